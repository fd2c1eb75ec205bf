namespace Vigil.Server.Configuration;

/// <summary>Redis's config flags that change how CONFIG GET, CONFIG SET and CONFIG REWRITE treat a directive.</summary>
[Flags]
public enum ConfigFlags
{
    None = 0,
    /// <summary>CONFIG SET refuses it unless enable-protected-configs allows (dir, dbfilename).</summary>
    Protected = 1 << 0,
    /// <summary>Left out of CONFIG GET globs; only an exact name shows it (testing knobs).</summary>
    Hidden = 1 << 1,
    /// <summary>Its value is a secret: CONFIG SET's argument is redacted from SLOWLOG and MONITOR.</summary>
    Sensitive = 1 << 2,
    /// <summary>CONFIG SET refuses it while the dataset is loading (LOADING error).</summary>
    DenyLoading = 1 << 3,
}

/// <summary>How CONFIG REWRITE writes a value that <see cref="ConfigDirective.Get"/> returned.</summary>
public enum RewriteStyle
{
    /// <summary>As CONFIG GET shows it: numbers, yes/no, enum names.</summary>
    Plain,
    /// <summary>Bytes with the largest exact unit (1gb, 64mb, 3kb), as rewriteConfigFormatMemory.</summary>
    Memory,
    /// <summary>A string in double quotes with escapes (sdscatrepr); an empty value removes the line.</summary>
    Quoted,
    /// <summary>Like <see cref="Quoted"/>, but an empty value is written as "" (logfile, aclfile).</summary>
    QuotedKeepEmpty,
}

/// <summary>One line CONFIG REWRITE writes; <see cref="Force"/> appends it even when the file did not have the directive.</summary>
public readonly record struct RewriteLine(string Line, bool Force);

/// <summary>
/// One config directive: its name(s), whether CONFIG SET may change it at run time, its default as
/// CONFIG GET prints it, and how to read and write it. Set returns null on success, or the reason
/// in Redis's words ("argument couldn't be parsed into an integer").
/// </summary>
public sealed class ConfigDirective
{
    public ConfigDirective(string name, bool mutable, string defaultValue,
        Func<ServerConfig, string> get, Func<ServerConfig, string[], string?> set, params string[] aliases)
    {
        Name = name;
        Mutable = mutable;
        DefaultValue = defaultValue;
        Get = get;
        Set = set;
        Aliases = aliases;
    }

    public string Name { get; }

    public string[] Aliases { get; }

    public bool Mutable { get; }

    public string DefaultValue { get; }

    public Func<ServerConfig, string> Get { get; }

    /// <summary>Applies the directive's arguments (what follows its name on a config line).</summary>
    public Func<ServerConfig, string[], string?> Set { get; }

    /// <summary>True for directives that take several arguments on one line (save, bind, replicaof...).</summary>
    public bool MultiArg { get; init; }

    public ConfigFlags Flags { get; private set; }

    public RewriteStyle Style { get; set; }

    /// <summary>
    /// Replaces the default rewrite (one line "name value", forced when the value is not the default)
    /// for directives Redis rewrites specially. No lines: the directive's lines are removed.
    /// </summary>
    public Func<ServerConfig, IEnumerable<RewriteLine>>? Rewrite { get; set; }

    public bool Has(ConfigFlags flag) => (Flags & flag) != 0;

    /// <summary>Adds flags; returns the directive, for use in table initialisers.</summary>
    public ConfigDirective With(ConfigFlags flags)
    {
        Flags |= flags;
        return this;
    }

    /// <summary>Sets the rewrite style; returns the directive, for use in table initialisers.</summary>
    public ConfigDirective With(RewriteStyle style)
    {
        Style = style;
        return this;
    }

    /// <summary>Sets a special rewrite; returns the directive, for use in table initialisers.</summary>
    public ConfigDirective With(Func<ServerConfig, IEnumerable<RewriteLine>> rewrite)
    {
        Rewrite = rewrite;
        return this;
    }

    /// <summary>The lines CONFIG REWRITE writes for this directive's current value.</summary>
    public IEnumerable<RewriteLine> RewriteLines(ServerConfig config)
    {
        if (Rewrite != null) return Rewrite(config);
        string value = Get(config);
        bool force = value != DefaultValue;
        switch (Style)
        {
            case RewriteStyle.Memory:
                return [new($"{Name} {ConfigText.FormatMemory(long.Parse(value, System.Globalization.CultureInfo.InvariantCulture))}", force)];
            case RewriteStyle.Quoted when value.Length == 0:
                return [];
            case RewriteStyle.Quoted:
            case RewriteStyle.QuotedKeepEmpty:
                return [new($"{Name} {ConfigText.Quote(value)}", force)];
            default:
                return [new($"{Name} {value}", force)];
        }
    }
}
