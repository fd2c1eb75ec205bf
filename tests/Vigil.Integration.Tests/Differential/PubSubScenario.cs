using System.Text;
using static Vigil.Integration.Tests.Differential.ScenarioRunner;

namespace Vigil.Integration.Tests.Differential;

/// <summary>What a client of a <see cref="PubSubScenario"/> does: subscribes, runs transactions, or writes and publishes.</summary>
public enum ScenarioRole
{
    Subscriber,
    Transaction,
    Writer,
}

public sealed record ScenarioClient(ScenarioRole Role, bool Resp3);

/// <summary>One client sends these commands as one write.</summary>
public sealed record ClientStep(int Client, IReadOnlyList<byte[][]> Commands);

/// <summary>
/// Several clients interleaved one write at a time: subscribers (channels and patterns, RESP2 and
/// RESP3, keyspace notifications among the messages), transaction clients (WATCH, MULTI, queued
/// commands, EXEC or DISCARD over several steps, so that other clients write to watched keys in
/// between) and a writer (PUBLISH, writes that do and do not invalidate WATCH: SET, DEL of a missing
/// key, EXPIRE in the past, RENAME, MOVE, SWAPDB, FLUSHDB; PUBSUB introspection).
/// </summary>
public sealed record PubSubScenario(string NotifyKeyspaceEvents, IReadOnlyList<ScenarioClient> Clients, IReadOnlyList<ClientStep> Steps)
{
    public static readonly string[] Keys = ["k0", "k1", "k2"];

    private static readonly string[] Channels = ["ch0", "ch1", "news.a", "news.b", "__sentinel__:hello"];

    private static readonly string[] Patterns = ["ch*", "news.*", "*", "ch[01]", "__key*__:*", "__keyevent@0__:*", "n?ws.a"];

    private enum TransactionState
    {
        Idle,
        Watching,
        Queueing,
    }

    public static PubSubScenario Generate(int seed)
    {
        var r = new CommandRandom(seed);
        var clients = new List<ScenarioClient>();
        int subscribers = r.Between(1, 3), transactions = r.Between(1, 2);
        for (int i = 0; i < subscribers; i++) clients.Add(new ScenarioClient(ScenarioRole.Subscriber, r.Chance(0.35)));
        for (int i = 0; i < transactions; i++) clients.Add(new ScenarioClient(ScenarioRole.Transaction, r.Chance(0.3)));
        clients.Add(new ScenarioClient(ScenarioRole.Writer, r.Chance(0.2)));
        var states = new TransactionState[clients.Count];
        var steps = new List<ClientStep>();
        int messages = 0;
        // Every subscriber subscribes first, so that most publishes reach someone.
        for (int i = 0; i < subscribers; i++) steps.Add(new ClientStep(i, [Subscribe(r)]));
        int count = r.Between(8, 30);
        for (int i = 0; i < count; i++)
        {
            int client = r.Next(clients.Count);
            var commands = clients[client].Role switch
            {
                ScenarioRole.Subscriber => SubscriberCommands(r, ref messages),
                ScenarioRole.Transaction => TransactionCommands(r, ref states[client], ref messages),
                _ => [Write(r, ref messages)],
            };
            steps.Add(new ClientStep(client, commands));
        }
        string events = r.Pick("", "", "KEA", "K$g", "Exg", "Kl$", "AKE");
        return new PubSubScenario(events, clients, steps);
    }

    public string Describe()
    {
        var text = new StringBuilder($"  notify-keyspace-events \"{NotifyKeyspaceEvents}\"\n");
        for (int i = 0; i < Clients.Count; i++)
            text.Append($"  client {i}: {Clients[i].Role}{(Clients[i].Resp3 ? " (RESP3)" : "")}\n");
        foreach (var step in Steps)
            text.Append($"  client {step.Client}: ").Append(string.Join(" | ", step.Commands.Select(Show))).Append('\n');
        return text.ToString();
    }

    private static string[] Some(CommandRandom r, string[] from, int min, int max)
    {
        var picked = new string[r.Between(min, max)];
        for (int i = 0; i < picked.Length; i++) picked[i] = r.Pick(from);
        return picked;
    }

    private static string Key(CommandRandom r) => r.Pick(Keys);

    private static byte[][] Subscribe(CommandRandom r) =>
        r.Chance(0.6) ? Args("SUBSCRIBE", Some(r, Channels, 1, 3)) : Args("PSUBSCRIBE", Some(r, Patterns, 1, 2));

    /// <summary>Every message published is distinct, so each subscriber's stream shows which publish it came from.</summary>
    private static byte[][] Publish(CommandRandom r, ref int messages) => Args("PUBLISH", r.Pick(Channels), $"m{messages++}");

    /// <summary>
    /// Subscription changes, and what a subscriber may and (in RESP2) may not send: PING, a read, a
    /// publish of its own (in RESP3 its own message arrives as a push before the reply), RESET.
    /// </summary>
    private static byte[][][] SubscriberCommands(CommandRandom r, ref int messages)
    {
        int n = r.Between(1, 2);
        var commands = new byte[n][][];
        for (int i = 0; i < n; i++)
        {
            commands[i] = r.Next(20) switch
            {
                < 6 => Subscribe(r),
                < 9 => Args("UNSUBSCRIBE", Some(r, Channels, 0, 2)),
                < 11 => Args("PUNSUBSCRIBE", Some(r, Patterns, 0, 2)),
                11 => Args("PING"),
                12 => Args("GET", Key(r)),
                13 or 14 => Publish(r, ref messages),
                15 => Args("SET", Key(r), "fromsubscriber"),
                16 => Args("RESET"),
                _ => Args("PUBSUB", "NUMSUB", Some(r, Channels, 1, 2)),
            };
        }
        return commands;
    }

    /// <summary>
    /// The next part of a transaction, so that a transaction spans several steps: WATCH, then MULTI with
    /// some queued commands, then EXEC or DISCARD, with other clients' writes in between.
    /// </summary>
    private static byte[][][] TransactionCommands(CommandRandom r, ref TransactionState state, ref int messages)
    {
        var commands = new List<byte[][]>();
        switch (state)
        {
            case TransactionState.Idle when r.Chance(0.7):
            case TransactionState.Watching when r.Chance(0.2):
                commands.Add(Args("WATCH", Some(r, Keys, 1, 2)));
                state = TransactionState.Watching;
                break;
            case TransactionState.Watching when r.Chance(0.1):
                commands.Add(Args("UNWATCH"));
                state = TransactionState.Idle;
                break;
            case TransactionState.Watching when r.Chance(0.1):
                // The client's own write before MULTI invalidates its WATCH too.
                commands.Add(Write(r, ref messages));
                break;
            case TransactionState.Idle or TransactionState.Watching:
                commands.Add(Args("MULTI"));
                Queue(r, commands, 0, ref messages);
                state = TransactionState.Queueing;
                break;
            case TransactionState.Queueing when r.Chance(0.3):
                Queue(r, commands, 1, ref messages);
                break;
            default:
                commands.Add(Args(r.Chance(0.85) ? "EXEC" : "DISCARD"));
                state = TransactionState.Idle;
                break;
        }
        return commands.ToArray();
    }

    private static void Queue(CommandRandom r, List<byte[][]> commands, int atLeast, ref int messages)
    {
        int n = r.Between(atLeast, 3);
        for (int i = 0; i < n; i++)
        {
            commands.Add(r.Next(20) switch
            {
                0 => Args("NOSUCHCOMMAND", Key(r)),
                1 => Args("WATCH", Key(r)),
                < 5 => Args("GET", Key(r)),
                _ => Write(r, ref messages),
            });
        }
    }

    /// <summary>A writer's command: a publish, a write to a (perhaps watched) key, or pub/sub introspection.</summary>
    private static byte[][] Write(CommandRandom r, ref int messages) => r.Next(24) switch
    {
        < 6 => Publish(r, ref messages),
        < 9 => Args("SET", Key(r), r.Pick("v", "w", "1")),
        9 => Args("INCR", Key(r)),
        10 => Args("APPEND", Key(r), "x"),
        11 => Args("DEL", Key(r)),
        12 => Args("EXPIRE", Key(r), r.Pick("0", "1000")),
        13 => Args("PEXPIREAT", Key(r), "1"),
        14 => Args("RENAME", Key(r), Key(r)),
        15 => Args("MOVE", Key(r), "1"),
        16 => Args("SWAPDB", "0", "1"),
        17 => Args("FLUSHDB"),
        18 => Args("RPUSH", Key(r), "a", "b"),
        19 => Args("LPOP", Key(r)),
        20 => Args("PUBSUB", "NUMSUB", Some(r, Channels, 0, 3)),
        21 => Args("PUBSUB", "NUMPAT"),
        // A pattern naming one channel: the reply's order is the table order of the channels otherwise.
        22 => Args("PUBSUB", "CHANNELS", r.Pick(Channels)),
        _ => Args("GETDEL", Key(r)),
    };
}
