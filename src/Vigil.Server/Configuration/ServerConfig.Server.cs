namespace Vigil.Server.Configuration;

/// <summary>
/// General, network, security, TLS, cluster and tuning settings (<see cref="ServerDirectives"/>).
/// Several only exist so that redis.conf files load and CONFIG GET/REWRITE report them as Redis
/// does (TLS, cluster, syslog, CPU lists, defragmentation); their comments say what Vigil does with them.
/// </summary>
public sealed partial class ServerConfig
{
    // Process
    public string Supervised { get; set; } = "no";
    public bool AlwaysShowLogo { get; set; }
    public bool SetProcTitle { get; set; } = true;
    public string ProcTitleTemplate { get; set; } = "{title} {listen-addr} {server-mode}";
    public bool SyslogEnabled { get; set; }
    public string SyslogIdent { get; set; } = "redis";
    public string SyslogFacility { get; set; } = "local0";
    public bool CrashLogEnabled { get; set; } = true;
    public bool CrashMemcheckEnabled { get; set; } = true;
    public bool DisableThp { get; set; } = true;
    public string OomScoreAdj { get; set; } = "no";
    public int[] OomScoreAdjValues { get; set; } = [0, 200, 800];
    public string ServerCpulist { get; set; } = "";
    public string BioCpulist { get; set; } = "";
    public string AofRewriteCpulist { get; set; } = "";
    public string BgsaveCpulist { get; set; } = "";
    public string IgnoreWarnings { get; set; } = "";
    public bool UseExitOnPanic { get; set; }
    public int WatchdogPeriod { get; set; }

    /// <summary>shutdown-on-sigint / shutdown-on-sigterm: "default", or some of save, nosave, now, force.</summary>
    public string ShutdownOnSigint { get; set; } = "default";
    public string ShutdownOnSigterm { get; set; } = "default";
    public int ShutdownTimeout { get; set; } = 10;

    // Network
    public int UnixSocketPerm { get; set; }
    public int SocketMarkId { get; set; }
    public int IoThreads { get; set; } = 1;
    public bool IoThreadsDoReads { get; set; }

    // Event loop and background work
    public bool DynamicHz { get; set; } = true;
    public bool ActiveRehashing { get; set; } = true;
    public int ActiveExpireEffort { get; set; } = 1;
    public long BusyReplyThreshold { get; set; } = 5000;
    public string PropagationErrorBehavior { get; set; } = "ignore";

    // Security
    /// <summary>The one user, with the password requirepass or a "user default" line gave it.</summary>
    public DefaultUser DefaultUser { get; } = new();
    public string AclFile { get; set; } = "";
    public long AclLogMaxLen { get; set; } = 128;
    public string AclPubsubDefault { get; set; } = "resetchannels";
    public string EnableProtectedConfigs { get; set; } = "no";
    public string EnableDebugCommand { get; set; } = "no";
    public string EnableModuleCommand { get; set; } = "no";

    // Latency
    public bool LatencyTracking { get; set; } = true;
    public double[] LatencyTrackingInfoPercentiles { get; set; } = [50, 99, 99.9];

    // Small structures
    public long HllSparseMaxBytes { get; set; } = 3000;
    public long StreamNodeMaxBytes { get; set; } = 4096;
    public long StreamNodeMaxEntries { get; set; } = 100;
    public long TrackingTableMaxKeys { get; set; } = 1000000;

    // Cluster (Vigil runs standalone; cluster-enabled cannot be turned on)
    public string ClusterConfigFile { get; set; } = "nodes.conf";
    public long ClusterNodeTimeout { get; set; } = 15000;
    public int ClusterPort { get; set; }
    public string ClusterAnnounceIp { get; set; } = "";
    public string ClusterAnnounceHostname { get; set; } = "";
    public int ClusterAnnouncePort { get; set; }
    public int ClusterAnnounceBusPort { get; set; }
    public int ClusterAnnounceTlsPort { get; set; }
    public int ClusterReplicaValidityFactor { get; set; } = 10;
    public int ClusterMigrationBarrier { get; set; } = 1;
    public bool ClusterAllowReplicaMigration { get; set; } = true;
    public bool ClusterRequireFullCoverage { get; set; } = true;
    public bool ClusterReplicaNoFailover { get; set; }
    public bool ClusterAllowReadsWhenDown { get; set; }
    public bool ClusterAllowPubsubshardWhenDown { get; set; } = true;
    public long ClusterLinkSendbufLimit { get; set; }
    public string ClusterPreferredEndpointType { get; set; } = "ip";

    // TLS (Vigil serves plain TCP; tls-port cannot be set)
    public string TlsCertFile { get; set; } = "";
    public string TlsKeyFile { get; set; } = "";
    public string TlsKeyFilePass { get; set; } = "";
    public string TlsClientCertFile { get; set; } = "";
    public string TlsClientKeyFile { get; set; } = "";
    public string TlsClientKeyFilePass { get; set; } = "";
    public string TlsDhParamsFile { get; set; } = "";
    public string TlsCaCertFile { get; set; } = "";
    public string TlsCaCertDir { get; set; } = "";
    public string TlsProtocols { get; set; } = "";
    public string TlsCiphers { get; set; } = "";
    public string TlsCiphersuites { get; set; } = "";
    public string TlsAuthClients { get; set; } = "yes";
    public bool TlsReplication { get; set; }
    public bool TlsCluster { get; set; }
    public bool TlsPreferServerCiphers { get; set; }
    public bool TlsSessionCaching { get; set; } = true;
    public int TlsSessionCacheSize { get; set; } = 20480;
    public int TlsSessionCacheTimeout { get; set; } = 300;

    /// <summary>rename-command lines: the command's name and its new one ("" removes the command).</summary>
    public List<(string Command, string NewName)> RenamedCommands { get; } = new();
}
