using System.Text;
using Vigil.Protocol;
using Vigil.Server.Replication;

namespace Vigil.Server.Tests.Replication;

public class ReplicationBacklogTests
{
    private static string From(ReplicationBacklog backlog, long offset)
    {
        var output = new RespWriter();
        backlog.CopyFrom(offset, output);
        return Encoding.ASCII.GetString(output.WrittenSpan);
    }

    private static string Text(int length, int seed) => new(Enumerable.Range(0, length).Select(i => (char)('a' + (i + seed) % 26)).ToArray());

    [Fact]
    public void NewBacklog_StartsAtTheNextOffset_Empty()
    {
        var backlog = new ReplicationBacklog(1024 * 1024, 101);
        Assert.Equal(101, backlog.FirstByteOffset);
        Assert.Equal(0, backlog.HistLen);
        Assert.True(backlog.CanContinueFrom(101));
        Assert.False(backlog.CanContinueFrom(100));
        Assert.False(backlog.CanContinueFrom(102));
        Assert.Equal("", From(backlog, 101));
    }

    [Fact]
    public void Append_KeepsEverything_WhileItFits()
    {
        var backlog = new ReplicationBacklog(16 * 1024, 1);
        backlog.Append("hello "u8);
        backlog.Append("world"u8);
        Assert.Equal(1, backlog.FirstByteOffset);
        Assert.Equal(11, backlog.HistLen);
        Assert.Equal("hello world", From(backlog, 1));
        Assert.Equal("world", From(backlog, 7));
        Assert.True(backlog.CanContinueFrom(12));
        Assert.False(backlog.CanContinueFrom(13));
    }

    [Fact]
    public void Append_PastTheSize_WrapsAndForgetsTheOldest()
    {
        var backlog = new ReplicationBacklog(1, 1);
        Assert.Equal(ReplicationBacklog.MinSize, backlog.Size);
        string all = "";
        for (int i = 0; i < 7; i++)
        {
            string chunk = Text(5000, i);
            backlog.Append(Encoding.ASCII.GetBytes(chunk));
            all += chunk;
        }
        Assert.Equal(backlog.Size, backlog.HistLen);
        Assert.Equal(all.Length - backlog.Size + 1, backlog.FirstByteOffset);
        Assert.Equal(all[^(int)backlog.Size..], From(backlog, backlog.FirstByteOffset));
        Assert.Equal(all[^100..], From(backlog, all.Length - 99));
        Assert.False(backlog.CanContinueFrom(backlog.FirstByteOffset - 1));
    }

    [Fact]
    public void Append_OfMoreThanTheSize_KeepsItsTail()
    {
        var backlog = new ReplicationBacklog(16 * 1024, 1);
        string big = Text(40_000, 3);
        backlog.Append(Encoding.ASCII.GetBytes(big));
        Assert.Equal(40_001 - 16 * 1024, backlog.FirstByteOffset);
        Assert.Equal(big[^(16 * 1024)..], From(backlog, backlog.FirstByteOffset));
    }

    [Fact]
    public void Resized_KeepsTheNewestHistoryThatFits()
    {
        var backlog = new ReplicationBacklog(64 * 1024, 1);
        string data = Text(50_000, 7);
        backlog.Append(Encoding.ASCII.GetBytes(data));
        var smaller = backlog.Resized(20_000);
        Assert.Equal(20_000, smaller.HistLen);
        Assert.Equal(50_001 - 20_000, smaller.FirstByteOffset);
        Assert.Equal(data[^20_000..], From(smaller, smaller.FirstByteOffset));
        smaller.Append("tail"u8);
        Assert.Equal(data[^19_996..] + "tail", From(smaller, smaller.FirstByteOffset));
        var bigger = backlog.Resized(1024 * 1024);
        Assert.Equal(data, From(bigger, 1));
    }
}
