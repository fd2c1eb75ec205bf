namespace Vigil.Integration.Tests.Differential.Families;

/// <summary>
/// HyperLogLog commands (hyperloglog.c) on the shared keys: they meet strings that are not
/// HyperLogLogs (Redis's INVALIDOBJ error) and other types. Now and then a PFADD of hundreds of
/// elements takes a sparse HyperLogLog past hll-sparse-max-bytes to dense. Counts, and the strings
/// themselves (GET from the string family), must be the same bytes as Redis's.
/// </summary>
public sealed class HyperLogLogFamily : CommandFamily
{
    private static readonly string[] Elements = ["a", "b", "c", "1", "2", "", "foo", "\0\xff", "x y"];

    public HyperLogLogFamily()
    {
        Add("pfadd", 6, Add);
        Add("pfcount", 5, r => Cmd("PFCOUNT", r.Keys(1, 3)));
        Add("pfmerge", 3, r => Cmd("PFMERGE", r.Key(), r.Next(8) == 0 ? [] : r.Keys(1, 3)));
    }

    public override int Weight => 2;

    private static DiffCommand Add(CommandRandom r)
    {
        var parts = new List<object> { "PFADD", r.Key() };
        int count = r.Next(8) switch
        {
            0 => 0,
            1 => r.Between(100, 3000),
            _ => r.Between(1, 5),
        };
        int start = r.Between(0, 5000);
        for (int i = 0; i < count; i++) parts.Add(count > 5 ? CommandRandom.Bytes("e" + (start + i)) : CommandRandom.Bytes(r.Pick(Elements)));
        return Cmd(parts.ToArray());
    }
}
