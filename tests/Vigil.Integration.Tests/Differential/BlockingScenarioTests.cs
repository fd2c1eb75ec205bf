using System.Diagnostics;
using System.Text;
using Vigil.Integration.Tests.Infrastructure;
using static Vigil.Integration.Tests.Differential.ScenarioRunner;
using Xunit.Abstractions;

namespace Vigil.Integration.Tests.Differential;

/// <summary>
/// Blocking commands across several clients, on Vigil and redis-server 7.0 side by side (see
/// <see cref="BlockingScenario"/>). Both servers get each step in lockstep: a waiter's command is
/// sent to both, and the next step waits until each server shows it blocked (INFO blocked_clients)
/// or answered, so that both see the same blocking order. Compared: every reply of the writer, which
/// waiters CLIENT UNBLOCK finds still blocked, every reply of every waiter, and the keys at the end.
/// Settings (environment): VIGIL_BLOCKING_SEED, VIGIL_BLOCKING_SCENARIO (only that one),
/// VIGIL_BLOCKING_COUNT (default 60), VIGIL_BLOCKING_SECONDS (time budget, default 40).
/// </summary>
public sealed class BlockingScenarioTests
{
    private readonly ITestOutputHelper _output;

    public BlockingScenarioTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void RandomScenarios_ServeWaitersAsRedisDoes() =>
        ScenarioRunner.Run(_output, "VIGIL_BLOCKING", nameof(BlockingScenarioTests), 60, 40, BlockingScenario.Generate, s => s.Describe(), Run);

    /// <summary>Runs a scenario on both servers; the first difference, described, or null.</summary>
    private static string? Run(BlockingScenario scenario, int vigilPort, int redisPort)
    {
        using var vigil = new Side(vigilPort);
        using var redis = new Side(redisPort);
        Side[] sides = [vigil, redis];
        int waiterIndex = 0;
        foreach (var step in scenario.Steps)
        {
            switch (step)
            {
                case WaiterStep w:
                {
                    bool[] blocked = sides.Select(s => s.AddWaiter(w)).ToArray();
                    if (blocked[0] != blocked[1])
                        return $"waiter {waiterIndex} blocked on {(blocked[0] ? "Vigil" : "Redis")} only";
                    waiterIndex++;
                    break;
                }
                case WriterStep s:
                {
                    foreach (var side in sides) side.Writer.SendRaw(Encode(s.Commands));
                    foreach (var command in s.Commands)
                    {
                        string v = Raw(vigil.Writer), r = Raw(redis.Writer);
                        if (v != r) return $"writer's {Show(command)}\n  vigil: {v}\n  redis: {r}";
                    }
                    break;
                }
            }
        }
        // Who still waits: CLIENT UNBLOCK says :1 for those, and they get the timeout's reply.
        for (int i = 0; i < vigil.Waiters.Count; i++)
        {
            string v = Raw(vigil.Admin, "CLIENT", "UNBLOCK", vigil.Waiters[i].Id);
            string r = Raw(redis.Admin, "CLIENT", "UNBLOCK", redis.Waiters[i].Id);
            if (v != r) return $"CLIENT UNBLOCK of waiter {i}\n  vigil: {v}\n  redis: {r}";
        }
        for (int i = 0; i < vigil.Waiters.Count; i++)
        {
            for (int reply = 0; reply < vigil.Waiters[i].Replies; reply++)
            {
                string v = Raw(vigil.Waiters[i].Connection), r = Raw(redis.Waiters[i].Connection);
                if (v != r) return $"waiter {i}'s reply {reply}\n  vigil: {v}\n  redis: {r}";
            }
        }
        foreach (var db in new[] { "0", "1" })
        {
            foreach (var key in BlockingScenario.Keys)
            {
                string v = Contents(vigil.Admin, db, key), r = Contents(redis.Admin, db, key);
                if (v != r) return $"key {key} in db {db} at the end\n  vigil: {v}\n  redis: {r}";
            }
        }
        return null;
    }

    /// <summary>A key's type and elements (a list's, or a sorted set's with scores) in a database.</summary>
    private static string Contents(RespConnection admin, string db, string key) =>
        Raw(admin, "SELECT", db) + Raw(admin, "TYPE", key) + Raw(admin, "LRANGE", key, "0", "-1") + Raw(admin, "ZRANGE", key, "0", "-1", "WITHSCORES");

    /// <summary>One server's connections for a scenario: the writer, an admin, and the waiters.</summary>
    private sealed class Side : IDisposable
    {
        private readonly int _port;

        public Side(int port)
        {
            _port = port;
            Admin = new RespConnection(port);
            Admin.Call("FLUSHALL");
            Writer = new RespConnection(port);
        }

        public RespConnection Admin { get; }

        public RespConnection Writer { get; }

        public List<(RespConnection Connection, string Id, int Replies)> Waiters { get; } = new();

        /// <summary>Sends a waiter's commands from a new client; true when it blocked, false when it answered at once.</summary>
        public bool AddWaiter(WaiterStep step)
        {
            var connection = new RespConnection(_port);
            if (step.Resp3) connection.Call("HELLO", "3");
            string id = connection.Call("CLIENT", "ID").Integer.ToString();
            var commands = step.Pipelined == null ? new[] { step.Command } : new[] { step.Command, step.Pipelined };
            // The writer's last reply settled who is blocked; now this client either blocks or answers.
            int before = BlockedClients();
            connection.SendRaw(Encode(commands));
            Waiters.Add((connection, id, commands.Length));
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(20))
            {
                if (connection.HasPendingInput) return false;
                if (BlockedClients() > before) return true;
                Thread.Sleep(2);
            }
            throw new TimeoutException($"waiter {Show(step.Command)} neither blocked nor answered");
        }

        private int BlockedClients()
        {
            var info = Encoding.ASCII.GetString(Admin.Call("INFO", "clients").Bytes!);
            int at = info.IndexOf("blocked_clients:", StringComparison.Ordinal) + "blocked_clients:".Length;
            return int.Parse(info.AsSpan(at, info.IndexOf('\r', at) - at));
        }

        public void Dispose()
        {
            foreach (var waiter in Waiters) waiter.Connection.Dispose();
            Writer.Dispose();
            Admin.Dispose();
        }
    }
}
