using System.Text;
using Vigil.Protocol;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Connection;

/// <summary>The event loop: replies sent after each batch, slow readers paused without stalling anyone else.</summary>
public class EventLoopTests
{
    [Fact]
    public void ClientThatDoesNotRead_GetsEveryReplyLater_AndOthersAreServedMeanwhile()
    {
        using var server = new TestServer();
        using var slow = server.Connect();
        using var other = server.Connect();
        string value = new string('v', 1 << 20);
        Assert.Equal("+OK", other.CallText("SET", "big", value));

        // 48 MB of replies: far more than the socket buffers hold, so the server's send waits.
        var requests = new MemoryStream();
        for (int i = 0; i < 48; i++) requests.Write(RawClient.Encode("GET", "big"));
        requests.Write(RawClient.Encode("PING", "last"));
        slow.SendRaw(requests.ToArray());
        Thread.Sleep(200);

        Assert.Equal("+PONG", other.CallText("PING"));
        Assert.Equal("+OK", other.CallText("SET", "small", "1"));
        for (int i = 0; i < 48; i++)
        {
            var reply = slow.Read();
            Assert.Equal(RespType.BulkString, reply.Type);
            Assert.Equal(value.Length, reply.Bytes!.Length);
        }
        Assert.Equal("$last", slow.Read().ToString());
        Assert.Equal("$1", slow.CallText("GET", "small"));
    }

    [Fact]
    public void ManyPipeliningClients_EachGetTheirRepliesInOrder()
    {
        using var server = new TestServer();
        var clients = Enumerable.Range(0, 20).Select(_ => server.Connect()).ToList();
        try
        {
            foreach (var (client, index) in clients.Select((c, i) => (c, i)))
            {
                var requests = new MemoryStream();
                for (int n = 0; n < 500; n++) requests.Write(RawClient.Encode("RPUSH", "list:" + index, n.ToString()));
                client.SendRaw(requests.ToArray());
            }
            foreach (var (client, index) in clients.Select((c, i) => (c, i)))
            {
                for (int n = 0; n < 500; n++) Assert.Equal(":" + (n + 1), client.Read().ToString());
                Assert.Equal(":500", client.CallText("LLEN", "list:" + index));
            }
            var sb = new StringBuilder();
            foreach (var item in clients[7].Call("LRANGE", "list:7", "0", "2").Items!) sb.Append(item.ToString()).Append(' ');
            Assert.Equal("$0 $1 $2 ", sb.ToString());
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }
}
