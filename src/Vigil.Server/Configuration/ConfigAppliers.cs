namespace Vigil.Server.Configuration;

/// <summary>
/// What CONFIG SET does after it changed a directive (Redis's apply functions): rebind the
/// listener for port and bind, change the log level, resize a backlog... Each feature adds the
/// appliers of its directives. An applier runs under the keyspace lock and returns null, or the
/// reason it failed, in which case CONFIG SET restores every value it changed and applies them again.
/// </summary>
public sealed class ConfigAppliers
{
    private readonly Dictionary<string, List<Func<string?>>> _byDirective = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Runs <paramref name="apply"/> whenever CONFIG SET changes the directive named <paramref name="directive"/>.</summary>
    public void Add(string directive, Func<string?> apply)
    {
        if (!_byDirective.TryGetValue(directive, out var list)) _byDirective[directive] = list = new List<Func<string?>>();
        list.Add(apply);
    }

    public IReadOnlyList<Func<string?>> For(ConfigDirective directive) =>
        _byDirective.TryGetValue(directive.Name, out var list) ? list : [];
}
