using System.Text;

namespace Vigil.Server;

/// <summary>
/// The sections INFO prints, each written by the feature that owns its figures (persistence writes
/// "persistence", replication writes "replication", ...). Sections print in Redis's order whatever
/// the order they were added in; a feature replaces a section by adding it again.
/// </summary>
public sealed class InfoSections
{
    /// <summary>Redis 7.0's order of INFO sections; a section not listed here prints after these.</summary>
    private static readonly string[] Order =
        ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace"];

    private readonly List<Section> _sections = new();

    /// <summary>
    /// One section: its lower-case name, whether plain INFO (and INFO default) prints it, and the
    /// writer of its "field:value" lines (each ending in \r\n; the "# Name" header is added here).
    /// </summary>
    public sealed record Section(string Name, bool InDefault, Action<StringBuilder> Write);

    public IReadOnlyList<Section> All => _sections;

    public void Add(string name, Action<StringBuilder> write, bool inDefault = true)
    {
        _sections.RemoveAll(s => s.Name == name);
        _sections.Add(new Section(name, inDefault, write));
        _sections.Sort((a, b) => Rank(a.Name).CompareTo(Rank(b.Name)));
    }

    public Section? Find(string name) => _sections.Find(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The "# Name" header of a section, as Redis spells it ("CPU", "Commandstats").</summary>
    public static string Header(string name) =>
        name == "cpu" ? "CPU" : name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];

    private static int Rank(string name)
    {
        int i = Array.IndexOf(Order, name);
        return i < 0 ? Order.Length : i;
    }
}
