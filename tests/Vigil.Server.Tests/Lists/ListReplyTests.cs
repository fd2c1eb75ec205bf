using System.Text;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Lists;

/// <summary>
/// Every list command's replies and errors, byte for byte. Each table is a session recorded against
/// redis-server 7.0.15 (fresh database, one connection, commands in order); Vigil must answer the same.
/// </summary>
public class ListReplyTests
{
    [Fact]
    public void PushPopRangeIndexSetInsert_AnswerAsRedis() => AssertSession(Basics);

    [Fact]
    public void WrongTypesArityAndBadArguments_AnswerRedisErrors() => AssertSession(Errors);

    [Fact]
    public void LPos_RankCountMaxlen_AnswerAsRedis() => AssertSession(Lpos);

    [Fact]
    public void LRemAndLTrim_AnswerAsRedis_AndDeleteEmptiedLists() => AssertSession(RemTrim);

    [Fact]
    public void MovesMultiPopsAndBlockingFormsWithData_AnswerAsRedis() => AssertSession(Moves);

    [Fact]
    public void NullsInResp3_AndBlockingCommandsInsideMulti_AnswerAsRedis() => AssertSession(Resp3);

    private static void AssertSession((string Command, string? Reply)[] session)
    {
        using var server = new TestServer();
        using var c = server.Connect();
        var mismatches = new List<string>();
        foreach (var (command, reply) in session)
        {
            c.SendRaw(RawClient.Encode(Split(command)));
            if (reply == null)
            {
                c.Read();
                continue;
            }
            string actual = c.ReadRawReply();
            if (actual != reply) mismatches.Add($"{command}: expected {Escape(reply)}, got {Escape(actual)}");
        }
        Assert.Empty(mismatches);
    }

    /// <summary>Splits on spaces; double quotes group (and may produce an empty argument).</summary>
    private static string[] Split(string line)
    {
        var args = new List<string>();
        var current = new StringBuilder();
        bool quoted = false, started = false;
        foreach (char ch in line)
        {
            if (ch == '"')
            {
                quoted = !quoted;
                started = true;
            }
            else if (ch == ' ' && !quoted)
            {
                if (started) args.Add(current.ToString());
                current.Clear();
                started = false;
            }
            else
            {
                current.Append(ch);
                started = true;
            }
        }
        if (started) args.Add(current.ToString());
        return args.ToArray();
    }

    private static string Escape(string s) => s.Replace("\r", "\\r").Replace("\n", "\\n");

    private static readonly (string Command, string? Reply)[] Basics =
    [
        ("lpush l 1 2 3", ":3\r\n"),
        ("rpushx l 4 5", ":5\r\n"),
        ("lpushx l 0", ":6\r\n"),
        ("lpushx nokey a", ":0\r\n"),
        ("rpushx nokey a", ":0\r\n"),
        ("lrange l 0 -1", "*6\r\n$1\r\n0\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n4\r\n$1\r\n5\r\n"),
        ("llen l", ":6\r\n"),
        ("llen nokey", ":0\r\n"),
        ("lpop l", "$1\r\n0\r\n"),
        ("rpop l", "$1\r\n5\r\n"),
        ("lpop l 0", "*0\r\n"),
        ("lpop l 2", "*2\r\n$1\r\n3\r\n$1\r\n2\r\n"),
        ("rpop l 2", "*2\r\n$1\r\n4\r\n$1\r\n1\r\n"),
        ("lrange l 0 -1", "*0\r\n"),
        ("lpop l 5", "*-1\r\n"),
        ("exists l", ":0\r\n"),
        ("lpop l", "$-1\r\n"),
        ("lpop l 1", "*-1\r\n"),
        ("rpush l a b c", ":3\r\n"),
        ("lrange l -100 100", "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
        ("lrange l 2 1", "*0\r\n"),
        ("lrange l -1 -2", "*0\r\n"),
        ("lrange l 1 -1", "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"),
        ("lrange l 9223372036854775807 -9223372036854775808", "*0\r\n"),
        ("lrange l -9223372036854775808 9223372036854775807", "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
        ("lrange nokey 0 -1", "*0\r\n"),
        ("lindex l 0", "$1\r\na\r\n"),
        ("lindex l -1", "$1\r\nc\r\n"),
        ("lindex l 3", "$-1\r\n"),
        ("lindex l -4", "$-1\r\n"),
        ("lindex nokey 0", "$-1\r\n"),
        ("lset l 1 B", "+OK\r\n"),
        ("lset l -1 C", "+OK\r\n"),
        ("lrange l 0 -1", "*3\r\n$1\r\na\r\n$1\r\nB\r\n$1\r\nC\r\n"),
        ("linsert l before a x", ":4\r\n"),
        ("linsert l after C y", ":5\r\n"),
        ("linsert l AFTER nothere z", ":-1\r\n"),
        ("lrange l 0 -1", "*5\r\n$1\r\nx\r\n$1\r\na\r\n$1\r\nB\r\n$1\r\nC\r\n$1\r\ny\r\n"),
        ("type l", "+list\r\n"),
        ("object encoding l", "$9\r\nquicklist\r\n"),
    ];

    private static readonly (string Command, string? Reply)[] Errors =
    [
        ("set s 1", "+OK\r\n"),
        ("lpush s 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("rpush s 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("lpushx s 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("lpop s", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("rpop s 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("llen s", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("lrange s 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("lindex s 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("lset s 0 x", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("linsert s before a b", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("lrem s 0 a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("ltrim s 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("lpos s a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("lmove s l left left", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("rpoplpush s l", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("lmpop 1 s left", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("blpop s 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("brpop nokey s 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("blmove s l left left 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("brpoplpush s l 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("blmpop 0 1 s left", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("rpush l a", ":1\r\n"),
        ("lmove l s left left", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("rpoplpush l s", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("blmove l s left left 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
        ("lrange l 0 -1", "*1\r\n$1\r\na\r\n"),
        ("lpop l 1 2", "-ERR wrong number of arguments for 'lpop' command\r\n"),
        ("lpop l -1", "-ERR value is out of range, must be positive\r\n"),
        ("lpop l x", "-ERR value is out of range, must be positive\r\n"),
        ("lpop l 9223372036854775808", "-ERR value is out of range, must be positive\r\n"),
        ("lrange l 0 x", "-ERR value is not an integer or out of range\r\n"),
        ("lrange l x 0", "-ERR value is not an integer or out of range\r\n"),
        ("lindex l x", "-ERR value is not an integer or out of range\r\n"),
        ("lindex nokey x", "$-1\r\n"),
        ("lset nokey 0 x", "-ERR no such key\r\n"),
        ("lset l 100 x", "-ERR index out of range\r\n"),
        ("lset l x z", "-ERR value is not an integer or out of range\r\n"),
        ("lset l -2 z", "-ERR index out of range\r\n"),
        ("linsert l middle a x", "-ERR syntax error\r\n"),
        ("linsert nokey before a x", ":0\r\n"),
        ("linsert nokey middle a x", "-ERR syntax error\r\n"),
        ("ltrim l 0 x", "-ERR value is not an integer or out of range\r\n"),
        ("ltrim nokey 0 x", "-ERR value is not an integer or out of range\r\n"),
        ("lrem l x a", "-ERR value is not an integer or out of range\r\n"),
        ("lrem nokey x a", "-ERR value is not an integer or out of range\r\n"),
        ("lmove l l2 left middle", "-ERR syntax error\r\n"),
        ("lmove l l2 up left", "-ERR syntax error\r\n"),
        ("lmove nokey l2 left up", "-ERR syntax error\r\n"),
        ("lmove nokey l2 left left", "$-1\r\n"),
        ("rpoplpush nokey l2", "$-1\r\n"),
        ("lpushx l", "-ERR wrong number of arguments for 'lpushx' command\r\n"),
        ("lpos", "-ERR wrong number of arguments for 'lpos' command\r\n"),
        ("lpush", "-ERR wrong number of arguments for 'lpush' command\r\n"),
        ("lmove a b c", "-ERR wrong number of arguments for 'lmove' command\r\n"),
        ("blmove a b left right", "-ERR wrong number of arguments for 'blmove' command\r\n"),
        ("brpoplpush a b", "-ERR wrong number of arguments for 'brpoplpush' command\r\n"),
        ("blpop a", "-ERR wrong number of arguments for 'blpop' command\r\n"),
        ("blmpop 0 1 l", "-ERR wrong number of arguments for 'blmpop' command\r\n"),
        ("lmpop 1 l", "-ERR wrong number of arguments for 'lmpop' command\r\n"),
    ];

    private static readonly (string Command, string? Reply)[] Lpos =
    [
        ("rpush l a b c a b c a", ":7\r\n"),
        ("lpos l a", ":0\r\n"),
        ("lpos l a rank 0", "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
        ("lpos l a rank -1", ":6\r\n"),
        ("lpos l a rank 3", ":6\r\n"),
        ("lpos l a rank 4", "$-1\r\n"),
        ("lpos l a rank x", "-ERR value is not an integer or out of range\r\n"),
        ("lpos l a count -1", "-ERR COUNT can't be negative\r\n"),
        ("lpos l a count x", "-ERR COUNT can't be negative\r\n"),
        ("lpos l a maxlen -1", "-ERR MAXLEN can't be negative\r\n"),
        ("lpos l a maxlen x", "-ERR MAXLEN can't be negative\r\n"),
        ("lpos l a count 0", "*3\r\n:0\r\n:3\r\n:6\r\n"),
        ("lpos l a rank -2 count 2", "*2\r\n:3\r\n:0\r\n"),
        ("lpos l a count 0 maxlen 3", "*1\r\n:0\r\n"),
        ("lpos l a rank 2 count 1", "*1\r\n:3\r\n"),
        ("lpos l a rank -1 maxlen 2", ":6\r\n"),
        ("lpos l a rank -1 maxlen 1", ":6\r\n"),
        ("lpos l c maxlen 2", "$-1\r\n"),
        ("lpos l zz", "$-1\r\n"),
        ("lpos l zz count 1", "*0\r\n"),
        ("lpos nokey a", "$-1\r\n"),
        ("lpos nokey a count 1", "*0\r\n"),
        ("lpos nokey a rank 0", "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
        ("lpos l a rank", "-ERR syntax error\r\n"),
        ("lpos l a foo 1", "-ERR syntax error\r\n"),
        ("lpos l a RANK 1 COUNT 2 MAXLEN 0", "*2\r\n:0\r\n:3\r\n"),
        ("lpos l a rank -9223372036854775808", ":6\r\n"),
        ("lpos l a rank -9223372036854775808 count 2", "*3\r\n:6\r\n:3\r\n:0\r\n"),
        ("lpos l a rank 9223372036854775807", "$-1\r\n"),
    ];

    private static readonly (string Command, string? Reply)[] RemTrim =
    [
        ("rpush r a b a c a d a", ":7\r\n"),
        ("lrem r 2 a", ":2\r\n"),
        ("lrange r 0 -1", "*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\na\r\n"),
        ("rpush r2 a b a c a d a", ":7\r\n"),
        ("lrem r2 -2 a", ":2\r\n"),
        ("lrange r2 0 -1", "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nd\r\n"),
        ("lrem r2 -9223372036854775808 a", ":2\r\n"),
        ("lrange r2 0 -1", "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"),
        ("lrem r2 0 zz", ":0\r\n"),
        ("lrem r2 0 b", ":1\r\n"),
        ("lrem r2 0 c", ":1\r\n"),
        ("lrem r2 0 d", ":1\r\n"),
        ("exists r2", ":0\r\n"),
        ("lrem nokey 0 a", ":0\r\n"),
        ("rpush t 1 2 3 4 5 6 7 8 9", ":9\r\n"),
        ("ltrim t 2 -3", "+OK\r\n"),
        ("lrange t 0 -1", "*5\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n"),
        ("ltrim t 0 100", "+OK\r\n"),
        ("lrange t 0 -1", "*5\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n"),
        ("ltrim t 5 1", "+OK\r\n"),
        ("exists t", ":0\r\n"),
        ("rpush t 1 2 3", ":3\r\n"),
        ("ltrim t -100 100", "+OK\r\n"),
        ("lrange t 0 -1", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
        ("ltrim t -1 -1", "+OK\r\n"),
        ("lrange t 0 -1", "*1\r\n$1\r\n3\r\n"),
        ("ltrim t 1 -1", "+OK\r\n"),
        ("exists t", ":0\r\n"),
        ("ltrim nokey 0 1", "+OK\r\n"),
    ];

    private static readonly (string Command, string? Reply)[] Moves =
    [
        ("rpush m a b c", ":3\r\n"),
        ("rpoplpush m m", "$1\r\nc\r\n"),
        ("lrange m 0 -1", "*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n"),
        ("lmove m m left right", "$1\r\nc\r\n"),
        ("lrange m 0 -1", "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
        ("lmove m n RIGHT LEFT", "$1\r\nc\r\n"),
        ("lmove m n right right", "$1\r\nb\r\n"),
        ("lmove m n Left left", "$1\r\na\r\n"),
        ("lmove m n right left", "$-1\r\n"),
        ("exists m", ":0\r\n"),
        ("lrange n 0 -1", "*3\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nb\r\n"),
        ("rpoplpush n o", "$1\r\nb\r\n"),
        ("lrange o 0 -1", "*1\r\n$1\r\nb\r\n"),
        ("rpush p 1 2 3 4 5", ":5\r\n"),
        ("lmpop 1 p left count 2", "*2\r\n$1\r\np\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
        ("lmpop 2 nokey p right count 10", "*2\r\n$1\r\np\r\n*3\r\n$1\r\n5\r\n$1\r\n4\r\n$1\r\n3\r\n"),
        ("exists p", ":0\r\n"),
        ("lmpop 2 nokey nokey2 right count 2", "*-1\r\n"),
        ("lmpop 0 l left", "-ERR numkeys should be greater than 0\r\n"),
        ("lmpop -1 l left", "-ERR numkeys should be greater than 0\r\n"),
        ("lmpop x l left", "-ERR numkeys should be greater than 0\r\n"),
        ("lmpop 2 l left", "-ERR syntax error\r\n"),
        ("lmpop 1 l middle", "-ERR syntax error\r\n"),
        ("lmpop 1 l left count 0", "-ERR count should be greater than 0\r\n"),
        ("lmpop 1 l left count -1", "-ERR count should be greater than 0\r\n"),
        ("lmpop 1 l left count x", "-ERR count should be greater than 0\r\n"),
        ("lmpop 1 l left count 1 count 1", "-ERR syntax error\r\n"),
        ("lmpop 1 l left foo", "-ERR syntax error\r\n"),
        ("lmpop 1 l left count", "-ERR syntax error\r\n"),
        ("lmpop 9223372036854775807 l left", "-ERR syntax error\r\n"),
        ("rpush q x y", ":2\r\n"),
        ("lmpop 1 q right", "*2\r\n$1\r\nq\r\n*1\r\n$1\r\ny\r\n"),
        ("blmpop 0 1 q left count 9", "*2\r\n$1\r\nq\r\n*1\r\n$1\r\nx\r\n"),
        ("rpush q w", ":1\r\n"),
        ("blpop q 0", "*2\r\n$1\r\nq\r\n$1\r\nw\r\n"),
        ("rpush q z", ":1\r\n"),
        ("brpop nokey q 0", "*2\r\n$1\r\nq\r\n$1\r\nz\r\n"),
        ("rpush q z", ":1\r\n"),
        ("blmove q q right left 0", "$1\r\nz\r\n"),
        ("brpoplpush q o 0", "$1\r\nz\r\n"),
        ("lrange o 0 -1", "*2\r\n$1\r\nz\r\n$1\r\nb\r\n"),
        ("blmpop 0 0 l left", "-ERR numkeys should be greater than 0\r\n"),
        ("blmpop x 1 l left", "-ERR timeout is not a float or out of range\r\n"),
        ("blmpop 0 1 l left count 0", "-ERR count should be greater than 0\r\n"),
        ("blmpop -1 1 l left", "-ERR timeout is negative\r\n"),
        ("blmpop 0 x l left", "-ERR numkeys should be greater than 0\r\n"),
        ("blmpop x 1 l middle", "-ERR syntax error\r\n"),
        ("blpop q x", "-ERR timeout is not a float or out of range\r\n"),
        ("blpop q -1", "-ERR timeout is negative\r\n"),
        ("blpop q inf", "-ERR timeout is negative\r\n"),
        ("blpop q -inf", "-ERR timeout is negative\r\n"),
        ("blpop q nan", "-ERR timeout is not a float or out of range\r\n"),
        ("blpop q 1e20", "-ERR timeout is negative\r\n"),
        ("blpop q 9.3e15", "-ERR timeout is negative\r\n"),
        ("blpop q \"\"", "-ERR timeout is not a float or out of range\r\n"),
        ("blpop q \" 1\"", "-ERR timeout is not a float or out of range\r\n"),
        ("blpop q \"1 \"", "-ERR timeout is not a float or out of range\r\n"),
        ("blpop q 0x", "-ERR timeout is not a float or out of range\r\n"),
        ("blpop q 1e-5000", "-ERR timeout is not a float or out of range\r\n"),
        ("brpop q abc", "-ERR timeout is not a float or out of range\r\n"),
        ("blmove q o left right x", "-ERR timeout is not a float or out of range\r\n"),
        ("blmove q o middle right x", "-ERR syntax error\r\n"),
        ("brpoplpush q o -1", "-ERR timeout is negative\r\n"),
    ];

    private static readonly (string Command, string? Reply)[] Resp3 =
    [
        ("hello 3", null),
        ("rpush l a", ":1\r\n"),
        ("lpop nokey 2", "_\r\n"),
        ("lpop nokey", "_\r\n"),
        ("rpop nokey", "_\r\n"),
        ("lindex nokey 0", "_\r\n"),
        ("lindex l 5", "_\r\n"),
        ("lpos nokey a", "_\r\n"),
        ("lpos l zz", "_\r\n"),
        ("lmove nokey l left left", "_\r\n"),
        ("rpoplpush nokey l", "_\r\n"),
        ("lmpop 1 nokey left", "_\r\n"),
        ("blpop x 0.01", "_\r\n"),
        ("brpop x 0.01", "_\r\n"),
        ("brpoplpush x y 0.01", "_\r\n"),
        ("blmove x y left left 0.01", "_\r\n"),
        ("blmpop 0.01 1 x left", "_\r\n"),
        ("multi", "+OK\r\n"),
        ("blpop x 0", "+QUEUED\r\n"),
        ("brpop x 0", "+QUEUED\r\n"),
        ("brpoplpush x y 0", "+QUEUED\r\n"),
        ("blmove x y left right 0", "+QUEUED\r\n"),
        ("blmpop 0 1 x left", "+QUEUED\r\n"),
        ("lmpop 1 x left", "+QUEUED\r\n"),
        ("exec", "*6\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n"),
        ("hello 2", null),
        ("blpop x 0.01", "*-1\r\n"),
        ("brpoplpush x y 0.01", "*-1\r\n"),
        ("multi", "+OK\r\n"),
        ("blpop x 0", "+QUEUED\r\n"),
        ("brpoplpush x y 0", "+QUEUED\r\n"),
        ("blmove x y left right 0", "+QUEUED\r\n"),
        ("blmpop 0 1 x left count 3", "+QUEUED\r\n"),
        ("exec", "*4\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n"),
    ];
}
