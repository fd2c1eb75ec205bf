using System.Text;
using Vigil.Protocol;

namespace Vigil.Integration.Tests.Differential;

public class ReplyComparerTests
{
    private static Reply Parse(string resp)
    {
        var raw = Encoding.Latin1.GetBytes(resp);
        Assert.True(RespReader.TryRead(raw, out var value, out int consumed));
        Assert.Equal(raw.Length, consumed);
        return Reply.Of(raw, value!);
    }

    [Theory]
    [InlineData(":100\r\n", ":102\r\n", true)]
    [InlineData(":100\r\n", ":104\r\n", false)]
    [InlineData(":-1\r\n", ":-2\r\n", false)]
    [InlineData(":1\r\n", ":-1\r\n", false)]
    [InlineData("$-1\r\n", "$-1\r\n", true)]
    public void Within_ToleratesSmallIntegerDifferences_ButNotNegativeCodes(string vigil, string redis, bool same) =>
        Assert.Equal(same, ReplyComparer.Same(ReplyMatch.Within(3), Parse(vigil), Parse(redis)));

    [Fact]
    public void Exact_ComparesBytes()
    {
        Assert.True(ReplyComparer.Same(ReplyMatch.Exact, Parse("+OK\r\n"), Parse("+OK\r\n")));
        Assert.False(ReplyComparer.Same(ReplyMatch.Exact, Parse("$1\r\n1\r\n"), Parse(":1\r\n")));
        Assert.False(ReplyComparer.Same(ReplyMatch.Exact, Parse("*2\r\n$1\r\na\r\n$1\r\nb\r\n"), Parse("*2\r\n$1\r\nb\r\n$1\r\na\r\n")));
    }

    [Fact]
    public void Unordered_IgnoresOrderOnly()
    {
        var ab = Parse("*2\r\n$1\r\na\r\n$1\r\nb\r\n");
        Assert.True(ReplyComparer.Same(ReplyMatch.Unordered, ab, Parse("*2\r\n$1\r\nb\r\n$1\r\na\r\n")));
        Assert.False(ReplyComparer.Same(ReplyMatch.Unordered, ab, Parse("*2\r\n$1\r\na\r\n$1\r\na\r\n")));
        Assert.False(ReplyComparer.Same(ReplyMatch.Unordered, ab, Parse("~2\r\n$1\r\nb\r\n$1\r\na\r\n")));
    }

    [Fact]
    public void UnorderedPairs_KeepsFieldsWithTheirValues()
    {
        var map = Parse("*4\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\ng\r\n$1\r\n2\r\n");
        Assert.True(ReplyComparer.Same(ReplyMatch.UnorderedPairs, map, Parse("*4\r\n$1\r\ng\r\n$1\r\n2\r\n$1\r\nf\r\n$1\r\n1\r\n")));
        Assert.False(ReplyComparer.Same(ReplyMatch.UnorderedPairs, map, Parse("*4\r\n$1\r\nf\r\n$1\r\n2\r\n$1\r\ng\r\n$1\r\n1\r\n")));
        var nested = Parse("*2\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$1\r\ng\r\n$1\r\n2\r\n");
        Assert.True(ReplyComparer.Same(ReplyMatch.UnorderedPairs, nested, Parse("*2\r\n*2\r\n$1\r\ng\r\n$1\r\n2\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n")));
        Assert.False(ReplyComparer.Same(ReplyMatch.UnorderedPairs, nested, Parse("*2\r\n*2\r\n$1\r\ng\r\n$1\r\n1\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n")));
    }

    [Fact]
    public void Scan_ComparesCursorExactly_AndKeysAsASet()
    {
        var reply = Parse("*2\r\n$1\r\n0\r\n*2\r\n$2\r\nk1\r\n$2\r\nk2\r\n");
        Assert.True(ReplyComparer.Same(ReplyMatch.Scan, reply, Parse("*2\r\n$1\r\n0\r\n*2\r\n$2\r\nk2\r\n$2\r\nk1\r\n")));
        Assert.False(ReplyComparer.Same(ReplyMatch.Scan, reply, Parse("*2\r\n$1\r\n4\r\n*2\r\n$2\r\nk2\r\n$2\r\nk1\r\n")));
    }

    [Fact]
    public void Dump_AllowsAnotherMemberOrderOnlyForHashtableSetsAndHashes()
    {
        // The type byte, then the body: 2 and 4 are hashtable sets and hashes, 0 a string.
        static Reply Payload(char type, string body) => Parse($"${body.Length + 1}\r\n{type}{body}\r\n");
        Assert.True(ReplyComparer.Same(ReplyMatch.Dump, Payload('\u0002', "ab12"), Payload('\u0002', "ba21")));
        Assert.True(ReplyComparer.Same(ReplyMatch.Dump, Payload('\u0004', "ab12"), Payload('\u0004', "ba21")));
        Assert.False(ReplyComparer.Same(ReplyMatch.Dump, Payload('\u0002', "ab12"), Payload('\u0002', "ab123")));
        Assert.False(ReplyComparer.Same(ReplyMatch.Dump, Payload('\u0002', "ab12"), Payload('\u0004', "ab12")));
        Assert.False(ReplyComparer.Same(ReplyMatch.Dump, Payload('\u0000', "ab12"), Payload('\u0000', "ba21")));
        Assert.True(ReplyComparer.Same(ReplyMatch.Dump, Parse("$-1\r\n"), Parse("$-1\r\n")));
    }

    [Fact]
    public void Failures_MatchOnlyTheSameFailure_AndSilenceNever()
    {
        var closed = Reply.Failed("connection closed");
        Assert.True(ReplyComparer.Same(ReplyMatch.Exact, closed, Reply.Failed("connection closed")));
        Assert.False(ReplyComparer.Same(ReplyMatch.Exact, closed, Parse("+OK\r\n")));
        Assert.False(ReplyComparer.Same(ReplyMatch.Exact, Reply.Failed(Reply.NoReply), Reply.Failed(Reply.NoReply)));
    }
}
