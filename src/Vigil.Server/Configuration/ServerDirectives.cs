using System.Globalization;
using Vigil.Protocol;
using Vigil.Server.PubSub;
using static Vigil.Server.Configuration.ConfigDirectives;

namespace Vigil.Server.Configuration;

/// <summary>
/// The general, network, security, limits, encodings, TLS and cluster directives of Redis 7.0's
/// config.c, with its names, aliases, defaults, ranges, mutability and messages.
/// </summary>
public static class ServerDirectives
{
    /// <summary>CONFIG_BINDADDR_MAX.</summary>
    private const int MaxBindAddresses = 16;

    private static readonly string[] DefaultBind = ["*", "-::*"];
    private static readonly string[] ProtectedActions = ["no", "yes", "local"];
    private static readonly string[] ShutdownFlags = ["default", "save", "nosave", "now", "force"];
    private static readonly string[] ProcTitleVariables = ["title", "listen-addr", "server-mode", "port", "tls-port", "unixsocket", "config-file"];

    public static IEnumerable<ConfigDirective> All() =>
    [
        // Process
        Bool("daemonize", false, false, c => c.Daemonize, (c, v) => c.Daemonize = v),
        Enum("supervised", false, "no", ["upstart", "systemd", "auto", "no"], c => c.Supervised, (c, v) => c.Supervised = v),
        String("pidfile", false, "", c => c.PidFile, (c, v) => c.PidFile = v),
        Enum("loglevel", true, "notice", ["debug", "verbose", "notice", "warning"], c => c.LogLevel, (c, v) => c.LogLevel = v),
        String("logfile", false, "", c => c.LogFile, (c, v) => c.LogFile = v).With(RewriteStyle.QuotedKeepEmpty),
        Bool("syslog-enabled", false, false, c => c.SyslogEnabled, (c, v) => c.SyslogEnabled = v),
        String("syslog-ident", false, "redis", c => c.SyslogIdent, (c, v) => c.SyslogIdent = v).With(RewriteStyle.QuotedKeepEmpty),
        Enum("syslog-facility", false, "local0", ["user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"],
            c => c.SyslogFacility, (c, v) => c.SyslogFacility = v),
        Int("databases", false, 16, 1, int.MaxValue, c => c.Databases, (c, v) => c.Databases = (int)v),
        Bool("always-show-logo", false, false, c => c.AlwaysShowLogo, (c, v) => c.AlwaysShowLogo = v),
        Bool("set-proc-title", false, true, c => c.SetProcTitle, (c, v) => c.SetProcTitle = v),
        CheckedString("proc-title-template", true, "{title} {listen-addr} {server-mode}", c => c.ProcTitleTemplate, (c, v) =>
        {
            if (!IsValidProcTitleTemplate(v)) return "template format is invalid or contains unknown variables";
            c.ProcTitleTemplate = v;
            return null;
        }).With(RewriteStyle.QuotedKeepEmpty),
        Bool("crash-log-enabled", true, true, c => c.CrashLogEnabled, (c, v) => c.CrashLogEnabled = v),
        Bool("crash-memcheck-enabled", true, true, c => c.CrashMemcheckEnabled, (c, v) => c.CrashMemcheckEnabled = v),
        Bool("use-exit-on-panic", true, false, c => c.UseExitOnPanic, (c, v) => c.UseExitOnPanic = v).With(ConfigFlags.Hidden),
        Int("watchdog-period", true, 0, 0, int.MaxValue, c => c.WatchdogPeriod, (c, v) => c.WatchdogPeriod = (int)v).With(ConfigFlags.Hidden),
        Bool("disable-thp", false, true, c => c.DisableThp, (c, v) => c.DisableThp = v),
        Enum("oom-score-adj", true, "no", ["no", "yes", "relative", "absolute"], c => c.OomScoreAdj, (c, v) => c.OomScoreAdj = v),
        new ConfigDirective("oom-score-adj-values", true, "0 200 800", c => string.Join(' ', c.OomScoreAdjValues), SetOomScoreAdjValues) { MultiArg = true },
        CpuList("server_cpulist", c => c.ServerCpulist, (c, v) => c.ServerCpulist = v),
        CpuList("bio_cpulist", c => c.BioCpulist, (c, v) => c.BioCpulist = v),
        CpuList("aof_rewrite_cpulist", c => c.AofRewriteCpulist, (c, v) => c.AofRewriteCpulist = v),
        CpuList("bgsave_cpulist", c => c.BgsaveCpulist, (c, v) => c.BgsaveCpulist = v),
        String("ignore-warnings", true, "", c => c.IgnoreWarnings, (c, v) => c.IgnoreWarnings = v).With(RewriteStyle.QuotedKeepEmpty),
        ShutdownOnSignal("shutdown-on-sigint", c => c.ShutdownOnSigint, (c, v) => c.ShutdownOnSigint = v),
        ShutdownOnSignal("shutdown-on-sigterm", c => c.ShutdownOnSigterm, (c, v) => c.ShutdownOnSigterm = v),
        Int("shutdown-timeout", true, 10, 0, int.MaxValue, c => c.ShutdownTimeout, (c, v) => c.ShutdownTimeout = (int)v),

        // Network
        new ConfigDirective("bind", true, "* -::*", c => string.Join(' ', c.Bind), SetBind) { MultiArg = true }.With(RewriteBind),
        String("bind-source-addr", true, "", c => c.BindSourceAddr, (c, v) => c.BindSourceAddr = v),
        Int("port", true, 6379, 0, 65535, c => c.Port, (c, v) => c.Port = (int)v),
        Bool("protected-mode", true, true, c => c.ProtectedMode, (c, v) => c.ProtectedMode = v),
        Int("tcp-backlog", false, 511, 0, int.MaxValue, c => c.TcpBacklog, (c, v) => c.TcpBacklog = (int)v),
        Int("tcp-keepalive", true, 300, 0, int.MaxValue, c => c.TcpKeepAlive, (c, v) => c.TcpKeepAlive = (int)v),
        Int("timeout", true, 0, 0, int.MaxValue, c => c.Timeout, (c, v) => c.Timeout = (int)v),
        CheckedString("unixsocket", false, "", _ => "", (c, v) => v.Length > 0 ? "Unix domain sockets are not supported by Vigil" : null),
        new ConfigDirective("unixsocketperm", false, "0", c => Convert.ToString(c.UnixSocketPerm, 8), SetUnixSocketPerm),
        Int("socket-mark-id", false, 0, 0, uint.MaxValue, c => c.SocketMarkId, (c, v) => c.SocketMarkId = (int)v),
        Int("maxclients", true, 10000, 1, uint.MaxValue, c => c.MaxClients, (c, v) => c.MaxClients = (int)Math.Min(v, int.MaxValue)),
        Int("io-threads", false, 1, 1, 128, c => c.IoThreads, (c, v) => c.IoThreads = (int)v),
        Bool("io-threads-do-reads", false, false, c => c.IoThreadsDoReads, (c, v) => c.IoThreadsDoReads = v),
        Memory("proto-max-bulk-len", true, 512L * 1024 * 1024, 1024 * 1024, long.MaxValue, c => c.ProtoMaxBulkLen, (c, v) => c.ProtoMaxBulkLen = v),
        Memory("client-query-buffer-limit", true, 1024L * 1024 * 1024, 1024 * 1024, long.MaxValue, c => c.ClientQueryBufferLimit, (c, v) => c.ClientQueryBufferLimit = v),
        new ConfigDirective("client-output-buffer-limit", true, "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
            c => c.ClientOutputBufferLimit.ToString(), (c, a) => c.ClientOutputBufferLimit.Apply(a)) { MultiArg = true }
            .With(c => c.ClientOutputBufferLimit.RewriteLines()),

        // Event loop and background work
        Int("hz", true, 10, 0, int.MaxValue, c => c.Hz, (c, v) => c.Hz = (int)Math.Clamp(v, 1, 500)),
        Bool("dynamic-hz", true, true, c => c.DynamicHz, (c, v) => c.DynamicHz = v),
        Bool("activerehashing", true, true, c => c.ActiveRehashing, (c, v) => c.ActiveRehashing = v),
        Int("active-expire-effort", true, 1, 1, 10, c => c.ActiveExpireEffort, (c, v) => c.ActiveExpireEffort = (int)v),
        Int("busy-reply-threshold", true, 5000, 0, long.MaxValue, c => c.BusyReplyThreshold, (c, v) => c.BusyReplyThreshold = v, "lua-time-limit"),
        Enum("propagation-error-behavior", true, "ignore", ["ignore", "panic", "panic-on-replicas"],
            c => c.PropagationErrorBehavior, (c, v) => c.PropagationErrorBehavior = v),

        // Files
        new ConfigDirective("dir", true, ".", c => c.Dir, (c, a) =>
        {
            if (a.Length != 1) return "wrong number of arguments";
            string full = Path.GetFullPath(a[0], c.Dir);
            if (!Directory.Exists(full)) return "No such file or directory";
            c.Dir = full;
            return null;
        }).With(ConfigFlags.Protected | ConfigFlags.DenyLoading).With(c => [new RewriteLine("dir " + ConfigText.Quote(c.Dir), true)]),

        // Security
        String("requirepass", true, "", c => c.RequirePass, (c, v) => c.RequirePass = v).With(ConfigFlags.Sensitive),
        CheckedString("aclfile", false, "", _ => "", (_, v) => v.Length > 0 ? "ACL files are not supported by Vigil (it has only the default user)" : null)
            .With(RewriteStyle.QuotedKeepEmpty),
        Int("acllog-max-len", true, 128, 0, long.MaxValue, c => c.AclLogMaxLen, (c, v) => c.AclLogMaxLen = v),
        Enum("acl-pubsub-default", true, "resetchannels", ["allchannels", "resetchannels"], c => c.AclPubsubDefault, (c, v) => c.AclPubsubDefault = v),
        Enum("enable-protected-configs", false, "no", ProtectedActions, c => c.EnableProtectedConfigs, (c, v) => c.EnableProtectedConfigs = v),
        Enum("enable-debug-command", false, "no", ProtectedActions, c => c.EnableDebugCommand, (c, v) => c.EnableDebugCommand = v),
        Enum("enable-module-command", false, "no", ProtectedActions, c => c.EnableModuleCommand, (c, v) => c.EnableModuleCommand = v),

        // Monitoring
        Int("slowlog-log-slower-than", true, 10000, -1, long.MaxValue, c => c.SlowlogLogSlowerThan, (c, v) => c.SlowlogLogSlowerThan = v),
        Int("slowlog-max-len", true, 128, 0, long.MaxValue, c => c.SlowlogMaxLen, (c, v) => c.SlowlogMaxLen = (int)Math.Min(v, int.MaxValue)),
        Int("latency-monitor-threshold", true, 0, 0, long.MaxValue, c => c.LatencyMonitorThreshold, (c, v) => c.LatencyMonitorThreshold = v),
        Bool("latency-tracking", true, true, c => c.LatencyTracking, (c, v) => c.LatencyTracking = v),
        new ConfigDirective("latency-tracking-info-percentiles", true, "50 99 99.9", c => FormatPercentiles(c.LatencyTrackingInfoPercentiles),
            SetPercentiles) { MultiArg = true }
            .With(c => [new RewriteLine("latency-tracking-info-percentiles " +
                (c.LatencyTrackingInfoPercentiles.Length == 0 ? "\"\"" : FormatPercentiles(c.LatencyTrackingInfoPercentiles)), true)]),
        new ConfigDirective("notify-keyspace-events", true, "", c => c.NotifyKeyspaceEvents, (c, a) =>
        {
            if (a.Length != 1) return "wrong number of arguments";
            if (!KeyspaceEventFlags.TryParse(a[0], out var flags)) return KeyspaceEventFlags.InvalidClassError;
            c.NotifyKeyspaceEvents = KeyspaceEventFlags.Format(flags);
            return null;
        }).With(c => [new RewriteLine("notify-keyspace-events " + ConfigText.Quote(c.NotifyKeyspaceEvents), c.NotifyKeyspaceEvents.Length > 0)]),
        Int("tracking-table-max-keys", true, 1000000, 0, long.MaxValue, c => c.TrackingTableMaxKeys, (c, v) => c.TrackingTableMaxKeys = v),

        // Encodings of small values
        Int("hash-max-listpack-entries", true, 512, 0, long.MaxValue, c => c.HashMaxListpackEntries, (c, v) => c.HashMaxListpackEntries = v, "hash-max-ziplist-entries"),
        Memory("hash-max-listpack-value", true, 64, 0, long.MaxValue, c => c.HashMaxListpackValue, (c, v) => c.HashMaxListpackValue = v, "hash-max-ziplist-value"),
        Int("set-max-intset-entries", true, 512, 0, long.MaxValue, c => c.SetMaxIntsetEntries, (c, v) => c.SetMaxIntsetEntries = v),
        Int("zset-max-listpack-entries", true, 128, 0, long.MaxValue, c => c.ZsetMaxListpackEntries, (c, v) => c.ZsetMaxListpackEntries = v, "zset-max-ziplist-entries"),
        Memory("zset-max-listpack-value", true, 64, 0, long.MaxValue, c => c.ZsetMaxListpackValue, (c, v) => c.ZsetMaxListpackValue = v, "zset-max-ziplist-value"),
        Int("list-max-listpack-size", true, -2, int.MinValue, int.MaxValue, c => c.ListMaxListpackSize, (c, v) => c.ListMaxListpackSize = (int)v, "list-max-ziplist-size"),
        Int("list-compress-depth", true, 0, 0, int.MaxValue, c => c.ListCompressDepth, (c, v) => c.ListCompressDepth = (int)v),
        Memory("hll-sparse-max-bytes", true, 3000, 0, long.MaxValue, c => c.HllSparseMaxBytes, (c, v) => c.HllSparseMaxBytes = v),
        Memory("stream-node-max-bytes", true, 4096, 0, long.MaxValue, c => c.StreamNodeMaxBytes, (c, v) => c.StreamNodeMaxBytes = v),
        Int("stream-node-max-entries", true, 100, 0, long.MaxValue, c => c.StreamNodeMaxEntries, (c, v) => c.StreamNodeMaxEntries = v),

        // Cluster: parsed and reported; Vigil is a standalone node
        new ConfigDirective("cluster-enabled", false, "no", _ => "no", (c, a) =>
            a.Length == 1 && a[0].Equals("no", StringComparison.OrdinalIgnoreCase) ? null
            : a.Length == 1 && a[0].Equals("yes", StringComparison.OrdinalIgnoreCase) ? "cluster mode is not supported by Vigil"
            : "argument must be 'yes' or 'no'"),
        String("cluster-config-file", false, "nodes.conf", c => c.ClusterConfigFile, (c, v) => c.ClusterConfigFile = v).With(RewriteStyle.QuotedKeepEmpty),
        Int("cluster-node-timeout", true, 15000, 0, long.MaxValue, c => c.ClusterNodeTimeout, (c, v) => c.ClusterNodeTimeout = v),
        Int("cluster-port", false, 0, 0, 65535, c => c.ClusterPort, (c, v) => c.ClusterPort = (int)v),
        String("cluster-announce-ip", true, "", c => c.ClusterAnnounceIp, (c, v) => c.ClusterAnnounceIp = v),
        CheckedString("cluster-announce-hostname", true, "", c => c.ClusterAnnounceHostname, (c, v) =>
        {
            if (HostnameError(v) is { } error) return error;
            c.ClusterAnnounceHostname = v;
            return null;
        }),
        Int("cluster-announce-port", true, 0, 0, 65535, c => c.ClusterAnnouncePort, (c, v) => c.ClusterAnnouncePort = (int)v),
        Int("cluster-announce-bus-port", true, 0, 0, 65535, c => c.ClusterAnnounceBusPort, (c, v) => c.ClusterAnnounceBusPort = (int)v),
        Int("cluster-announce-tls-port", true, 0, 0, 65535, c => c.ClusterAnnounceTlsPort, (c, v) => c.ClusterAnnounceTlsPort = (int)v),
        Int("cluster-replica-validity-factor", true, 10, 0, int.MaxValue, c => c.ClusterReplicaValidityFactor,
            (c, v) => c.ClusterReplicaValidityFactor = (int)v, "cluster-slave-validity-factor"),
        Int("cluster-migration-barrier", true, 1, 0, int.MaxValue, c => c.ClusterMigrationBarrier, (c, v) => c.ClusterMigrationBarrier = (int)v),
        Bool("cluster-allow-replica-migration", true, true, c => c.ClusterAllowReplicaMigration, (c, v) => c.ClusterAllowReplicaMigration = v),
        Bool("cluster-require-full-coverage", true, true, c => c.ClusterRequireFullCoverage, (c, v) => c.ClusterRequireFullCoverage = v),
        Bool("cluster-replica-no-failover", true, false, c => c.ClusterReplicaNoFailover, (c, v) => c.ClusterReplicaNoFailover = v, "cluster-slave-no-failover"),
        Bool("cluster-allow-reads-when-down", true, false, c => c.ClusterAllowReadsWhenDown, (c, v) => c.ClusterAllowReadsWhenDown = v),
        Bool("cluster-allow-pubsubshard-when-down", true, true, c => c.ClusterAllowPubsubshardWhenDown, (c, v) => c.ClusterAllowPubsubshardWhenDown = v),
        Memory("cluster-link-sendbuf-limit", true, 0, 0, long.MaxValue, c => c.ClusterLinkSendbufLimit, (c, v) => c.ClusterLinkSendbufLimit = v),
        Enum("cluster-preferred-endpoint-type", true, "ip", ["ip", "hostname", "unknown-endpoint"],
            c => c.ClusterPreferredEndpointType, (c, v) => c.ClusterPreferredEndpointType = v),

        // TLS: parsed and reported; Vigil serves plain TCP, so tls-port stays 0
        new ConfigDirective("tls-port", true, "0", _ => "0", (c, a) =>
            a.Length == 1 && a[0] == "0" ? null : "TLS is not supported by Vigil (tls-port can only be 0)"),
        TlsFile("tls-cert-file", c => c.TlsCertFile, (c, v) => c.TlsCertFile = v),
        TlsFile("tls-key-file", c => c.TlsKeyFile, (c, v) => c.TlsKeyFile = v),
        TlsFile("tls-key-file-pass", c => c.TlsKeyFilePass, (c, v) => c.TlsKeyFilePass = v),
        TlsFile("tls-client-cert-file", c => c.TlsClientCertFile, (c, v) => c.TlsClientCertFile = v),
        TlsFile("tls-client-key-file", c => c.TlsClientKeyFile, (c, v) => c.TlsClientKeyFile = v),
        TlsFile("tls-client-key-file-pass", c => c.TlsClientKeyFilePass, (c, v) => c.TlsClientKeyFilePass = v),
        TlsFile("tls-dh-params-file", c => c.TlsDhParamsFile, (c, v) => c.TlsDhParamsFile = v),
        TlsFile("tls-ca-cert-file", c => c.TlsCaCertFile, (c, v) => c.TlsCaCertFile = v),
        TlsFile("tls-ca-cert-dir", c => c.TlsCaCertDir, (c, v) => c.TlsCaCertDir = v),
        TlsFile("tls-protocols", c => c.TlsProtocols, (c, v) => c.TlsProtocols = v),
        TlsFile("tls-ciphers", c => c.TlsCiphers, (c, v) => c.TlsCiphers = v),
        TlsFile("tls-ciphersuites", c => c.TlsCiphersuites, (c, v) => c.TlsCiphersuites = v),
        Enum("tls-auth-clients", true, "yes", ["no", "yes", "optional"], c => c.TlsAuthClients, (c, v) => c.TlsAuthClients = v),
        Bool("tls-replication", true, false, c => c.TlsReplication, (c, v) => c.TlsReplication = v),
        Bool("tls-cluster", true, false, c => c.TlsCluster, (c, v) => c.TlsCluster = v),
        Bool("tls-prefer-server-ciphers", true, false, c => c.TlsPreferServerCiphers, (c, v) => c.TlsPreferServerCiphers = v),
        Bool("tls-session-caching", true, true, c => c.TlsSessionCaching, (c, v) => c.TlsSessionCaching = v),
        Int("tls-session-cache-size", true, 20480, 0, int.MaxValue, c => c.TlsSessionCacheSize, (c, v) => c.TlsSessionCacheSize = (int)v),
        Int("tls-session-cache-timeout", true, 300, 0, int.MaxValue, c => c.TlsSessionCacheTimeout, (c, v) => c.TlsSessionCacheTimeout = (int)v),
    ];

    private static ConfigDirective CpuList(string name, Func<ServerConfig, string> get, Action<ServerConfig, string> set) =>
        String(name, false, "", get, set);

    private static ConfigDirective TlsFile(string name, Func<ServerConfig, string> get, Action<ServerConfig, string> set) =>
        String(name, true, "", get, set);

    private static string? SetBind(ServerConfig c, string[] a)
    {
        if (a.Length > MaxBindAddresses) return "Too many bind addresses specified.";
        // A single empty argument means no address at all.
        c.Bind = a.Length == 1 && a[0].Length == 0 ? [] : a;
        return null;
    }

    /// <summary>rewriteConfigBindOption: the default is left out of the file; no address at all is written as "".</summary>
    private static IEnumerable<RewriteLine> RewriteBind(ServerConfig c)
    {
        if (c.Bind.AsSpan().SequenceEqual(DefaultBind)) return [];
        return [new RewriteLine("bind " + (c.Bind.Length == 0 ? "\"\"" : string.Join(' ', c.Bind)), true)];
    }

    private static string? SetUnixSocketPerm(ServerConfig c, string[] a)
    {
        if (a.Length != 1) return "wrong number of arguments";
        long value;
        try
        {
            value = a[0].Length == 0 ? throw new FormatException() : Convert.ToInt64(a[0], 8);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return "argument couldn't be parsed as an octal number";
        }
        if (value is < 0 or > 511) return "argument must be between 0 and 777 inclusive";
        c.UnixSocketPerm = (int)value;
        return null;
    }

    private static string? SetOomScoreAdjValues(ServerConfig c, string[] a)
    {
        if (a.Length != 3) return "wrong number of arguments";
        var values = new int[3];
        for (int i = 0; i < 3; i++)
        {
            if (!long.TryParse(a[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) || v is < -2000 or > 2000)
                return "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
            values[i] = (int)v;
        }
        c.OomScoreAdjValues = values;
        return null;
    }

    /// <summary>shutdown-on-sig*: flags combined from several words ("nosave now"); "default" alone is none.</summary>
    private static ConfigDirective ShutdownOnSignal(string name, Func<ServerConfig, string> get, Action<ServerConfig, string> set) =>
        new ConfigDirective(name, true, "default", get, (c, a) =>
        {
            var chosen = new List<string>();
            foreach (var word in a)
            {
                string? flag = Array.Find(ShutdownFlags, f => f.Equals(word, StringComparison.OrdinalIgnoreCase));
                if (flag == null) return "argument(s) must be one of the following: " + string.Join(", ", ShutdownFlags);
                if (flag != "default" && !chosen.Contains(flag)) chosen.Add(flag);
            }
            if (chosen.Contains("save") && chosen.Contains("nosave")) return "shutdown can't have both 'save' and 'nosave' flags";
            chosen.Sort((x, y) => Array.IndexOf(ShutdownFlags, x).CompareTo(Array.IndexOf(ShutdownFlags, y)));
            set(c, chosen.Count == 0 ? "default" : string.Join(' ', chosen));
            return null;
        }) { MultiArg = true };

    private static string? SetPercentiles(ServerConfig c, string[] a)
    {
        if (a.Length == 1 && a[0].Length == 0) a = [];
        var values = new double[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            if (!RedisNumbers.TryParseDouble(System.Text.Encoding.ASCII.GetBytes(a[i]), out double p) || double.IsInfinity(p))
                return "Invalid latency-tracking-info-percentiles parameters";
            if (p is > 100.0 or < 0.0) return "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
            values[i] = p;
        }
        c.LatencyTrackingInfoPercentiles = values;
        return null;
    }

    /// <summary>"%f" with trailing zeros (and a trailing point) removed, as trimDoubleString.</summary>
    public static string FormatPercentile(double p)
    {
        string s = p.ToString("F6", CultureInfo.InvariantCulture);
        if (s.Contains('.')) s = s.TrimEnd('0').TrimEnd('.');
        return s;
    }

    private static string FormatPercentiles(double[] values) => string.Join(' ', values.Select(FormatPercentile));

    private static string? HostnameError(string value)
    {
        if (value.Length >= 256) return "Hostnames must be less than 256 characters";
        foreach (char ch in value)
        {
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.')) return "Hostnames may only contain alphanumeric characters, hyphens or dots";
        }
        return null;
    }

    /// <summary>validateProcTitleTemplate: balanced braces around known variables, and not empty.</summary>
    private static bool IsValidProcTitleTemplate(string template)
    {
        if (template.Length == 0) return false;
        int i = 0;
        while (i < template.Length)
        {
            if (template[i] == '}') return false;
            if (template[i] != '{')
            {
                i++;
                continue;
            }
            int end = template.IndexOf('}', i + 1);
            if (end < 0) return false;
            if (Array.IndexOf(ProcTitleVariables, template[(i + 1)..end]) < 0) return false;
            i = end + 1;
        }
        return true;
    }
}
