using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.Keys;

namespace Vigil.Server.Tests.Blocking;

internal static class BlockingTestSupport
{
    /// <summary>Sends a command without reading its reply (the client blocks).</summary>
    public static void Send(this RawClient client, params string[] args) => client.SendRaw(RawClient.Encode(args));

    /// <summary>Waits until exactly <paramref name="count"/> clients are blocked (they block in the order they got there).</summary>
    public static void WaitForBlocked(this TestServer server, int count)
    {
        bool reached = KeyTestExtensions.WaitUntil(() =>
        {
            lock (server.Server.Sync) return server.Server.Stats.BlockedClients == count;
        }, 10_000);
        Assert.True(reached, $"expected {count} blocked clients, have {server.Server.Stats.BlockedClients}");
    }

    /// <summary>Sends a blocking command and waits until its client is the <paramref name="nowBlocked"/>th blocked one.</summary>
    public static void Block(this RawClient client, TestServer server, int nowBlocked, params string[] args)
    {
        client.Send(args);
        server.WaitForBlocked(nowBlocked);
    }
}
