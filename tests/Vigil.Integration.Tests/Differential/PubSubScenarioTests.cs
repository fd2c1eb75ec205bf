using System.Text;
using Vigil.Integration.Tests.Infrastructure;
using Vigil.Protocol;
using Xunit.Abstractions;
using static Vigil.Integration.Tests.Differential.ScenarioRunner;

namespace Vigil.Integration.Tests.Differential;

/// <summary>
/// Pub/sub message order and transactions with concurrent writers, on Vigil and redis-server 7.0
/// side by side (see <see cref="PubSubScenario"/>). Each step is one client's write, sent to both
/// servers, and its replies are read before the next step, so both servers see the same interleaving.
/// A subscriber's step ends with <c>PING sync-N</c> and everything up to its reply is read: the
/// messages that arrived since its last step, in order, then its replies. Compared: each step's
/// output, each subscriber's last messages, PUBSUB NUMPAT and the keys at the end.
/// Two allowances for Redis's hash-table order: the pmessages one publish sends to one client (one
/// per matching pattern) may come in any order, and so may the confirmations of an UNSUBSCRIBE or
/// PUNSUBSCRIBE of everything (the channels in any order, the remaining counts in order).
/// Settings (environment): VIGIL_PUBSUB_SEED, VIGIL_PUBSUB_SCENARIO, VIGIL_PUBSUB_COUNT (default 80),
/// VIGIL_PUBSUB_SECONDS (default 30).
/// </summary>
public sealed class PubSubScenarioTests
{
    private readonly ITestOutputHelper _output;

    public PubSubScenarioTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void RandomScenarios_DeliverAndCommitAsRedisDoes() =>
        ScenarioRunner.Run(_output, "VIGIL_PUBSUB", nameof(PubSubScenarioTests), 80, 30, PubSubScenario.Generate, s => s.Describe(), Run);

    [Fact]
    public void Normalize_OrdersPmessagesOfOnePublish_AndUnsubscribeConfirmations_ButNothingElse()
    {
        static (byte[], RespValue) Frame(string raw) => (Encoding.ASCII.GetBytes(raw), RespReader.TryRead(Encoding.ASCII.GetBytes(raw), out var v, out _) ? v! : throw new InvalidOperationException());
        string P(string pattern, string message) => $"*4\r\n$8\r\npmessage\r\n${pattern.Length}\r\n{pattern}\r\n$3\r\nch0\r\n${message.Length}\r\n{message}\r\n";
        string U(string channel, int left) => $"*3\r\n$11\r\nunsubscribe\r\n${channel.Length}\r\n{channel}\r\n:{left}\r\n";

        Assert.Equal(Normalize([Frame(P("ch*", "m1")), Frame(P("*", "m1"))]), Normalize([Frame(P("*", "m1")), Frame(P("ch*", "m1"))]));
        Assert.NotEqual(Normalize([Frame(P("*", "m1")), Frame(P("*", "m2"))]), Normalize([Frame(P("*", "m2")), Frame(P("*", "m1"))]));
        Assert.Equal(Normalize([Frame(U("a", 1)), Frame(U("b", 0))]), Normalize([Frame(U("b", 1)), Frame(U("a", 0))]));
        Assert.NotEqual(Normalize([Frame(U("a", 1)), Frame(U("b", 0))]), Normalize([Frame(U("a", 0)), Frame(U("b", 1))]));
        Assert.NotEqual(Normalize([Frame(":1\r\n"), Frame(":2\r\n")]), Normalize([Frame(":2\r\n"), Frame(":1\r\n")]));
    }

    /// <summary>Runs a scenario on both servers; the first difference, described, or null.</summary>
    private static string? Run(PubSubScenario scenario, int vigilPort, int redisPort)
    {
        using var vigil = new Side(vigilPort, scenario);
        using var redis = new Side(redisPort, scenario);
        for (int i = 0; i < scenario.Steps.Count; i++)
        {
            var step = scenario.Steps[i];
            string v = vigil.Send(step, $"sync-{i}"), r = redis.Send(step, $"sync-{i}");
            if (v != r) return $"step {i} (client {step.Client})\n  vigil: {v}\n  redis: {r}";
        }
        for (int c = 0; c < scenario.Clients.Count; c++)
        {
            if (scenario.Clients[c].Role != ScenarioRole.Subscriber) continue;
            var last = new ClientStep(c, []);
            string v = vigil.Send(last, "sync-end"), r = redis.Send(last, "sync-end");
            if (v != r) return $"client {c}'s messages at the end\n  vigil: {v}\n  redis: {r}";
        }
        string vigilState = vigil.State(), redisState = redis.State();
        return vigilState == redisState ? null : $"state at the end\n  vigil: {vigilState}\n  redis: {redisState}";
    }

    /// <summary>
    /// The frames one step read, as text to compare: exact, except runs of pmessages of one publish
    /// and runs of unsubscribe confirmations, whose order is Redis's hash-table order.
    /// </summary>
    internal static string Normalize(IReadOnlyList<(byte[] Raw, RespValue Value)> frames)
    {
        var parts = new List<string>();
        for (int i = 0; i < frames.Count;)
        {
            string? run = RunKey(frames[i].Value);
            int end = i + 1;
            while (run != null && end < frames.Count && RunKey(frames[end].Value) == run) end++;
            if (end - i == 1)
            {
                parts.Add(Reply.Escape(frames[i].Raw));
            }
            else if (run!.StartsWith("pmessage", StringComparison.Ordinal))
            {
                parts.Add("{" + string.Join(" ", frames.Skip(i).Take(end - i).Select(f => Reply.Escape(f.Raw)).Order(StringComparer.Ordinal)) + "}");
            }
            else
            {
                var run3 = frames.Skip(i).Take(end - i).Select(f => f.Value.Items!).ToList();
                parts.Add($"{{{run} of " + string.Join(",", run3.Select(items => Show(items[1])).Order(StringComparer.Ordinal)) +
                    " leaving " + string.Join(",", run3.Select(items => items[2].Integer)) + "}");
            }
            i = end;
        }
        return string.Join(" ", parts);
    }

    /// <summary>Which run a frame can be part of (frames of one run may be reordered), or null.</summary>
    private static string? RunKey(RespValue value)
    {
        if (value.Type is not (RespType.Array or RespType.Push) || value.Items is not { Length: 3 or 4 } items || items[0].Bytes == null) return null;
        string kind = value.Type + ":" + Encoding.ASCII.GetString(items[0].Bytes!);
        if (items.Length == 4 && kind.EndsWith(":pmessage", StringComparison.Ordinal)) return "pmessage " + Show(items[2]) + " " + Show(items[3]);
        if (items.Length == 3 && (kind.EndsWith(":unsubscribe", StringComparison.Ordinal) || kind.EndsWith(":punsubscribe", StringComparison.Ordinal))) return kind;
        return null;
    }

    private static string Show(RespValue value) => value.Bytes == null ? "(nil)" : Reply.Escape(value.Bytes);

    /// <summary>One server's connections for a scenario: one per client, and an admin.</summary>
    private sealed class Side : IDisposable
    {
        private readonly PubSubScenario _scenario;
        private readonly RespConnection _admin;
        private readonly RespConnection[] _clients;

        public Side(int port, PubSubScenario scenario)
        {
            _scenario = scenario;
            _admin = new RespConnection(port);
            _admin.Call("FLUSHALL");
            _admin.Call("CONFIG", "SET", "notify-keyspace-events", scenario.NotifyKeyspaceEvents);
            _clients = scenario.Clients.Select(c =>
            {
                var connection = new RespConnection(port);
                if (c.Resp3) connection.Call("HELLO", "3");
                return connection;
            }).ToArray();
        }

        /// <summary>
        /// Sends a step and reads its output: one reply per command, or for a subscriber everything up to
        /// the reply of a PING with <paramref name="marker"/> sent behind the step.
        /// </summary>
        public string Send(ClientStep step, string marker)
        {
            var connection = _clients[step.Client];
            bool subscriber = _scenario.Clients[step.Client].Role == ScenarioRole.Subscriber;
            var commands = subscriber ? step.Commands.Append([Encoding.ASCII.GetBytes("PING"), Encoding.ASCII.GetBytes(marker)]).ToList() : step.Commands;
            var frames = new List<(byte[], RespValue)>();
            try
            {
                connection.SendRaw(Encode(commands));
                while (true)
                {
                    var raw = connection.ReadRaw(out var value);
                    if (subscriber && IsMarker(value, marker)) break;
                    frames.Add((raw, value));
                    if (!subscriber && frames.Count == commands.Count) break;
                }
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
            {
                return Normalize(frames) + $" <{e.Message}>";
            }
            return Normalize(frames);
        }

        /// <summary>PING's reply: the bulk string, or in RESP2 subscriber mode ["pong", marker].</summary>
        private static bool IsMarker(RespValue value, string marker) =>
            value.Type == RespType.BulkString && value.Text == marker ||
            value.Type == RespType.Array && value.Items is { Length: 2 } items && items[0].Text == "pong" && items[1].Text == marker;

        /// <summary>PUBSUB NUMPAT, and each key's type and contents in databases 0 and 1.</summary>
        public string State()
        {
            var text = new StringBuilder(Raw(_admin, "PUBSUB", "NUMPAT"));
            foreach (var db in new[] { "0", "1" })
            {
                text.Append(Raw(_admin, "SELECT", db));
                foreach (var key in PubSubScenario.Keys)
                    text.Append(' ').Append(Raw(_admin, "TYPE", key)).Append(Raw(_admin, "GET", key)).Append(Raw(_admin, "LRANGE", key, "0", "-1"));
            }
            return text.ToString();
        }

        public void Dispose()
        {
            foreach (var client in _clients) client.Dispose();
            _admin.Call("CONFIG", "SET", "notify-keyspace-events", "");
            _admin.Dispose();
        }
    }
}
