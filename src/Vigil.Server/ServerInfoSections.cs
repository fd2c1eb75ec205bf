using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Vigil.Server.Clients;
using Vigil.Server.Configuration;

namespace Vigil.Server;

/// <summary>
/// The INFO sections of the server itself: server, clients, memory, stats, cpu, modules,
/// commandstats, errorstats, latencystats, cluster, keyspace. Persistence and replication add theirs.
/// </summary>
internal static class ServerInfoSections
{
    private static readonly string OperatingSystem = DescribeOperatingSystem();
    private static readonly string BuildId = Convert.ToHexString(BitConverter.GetBytes(typeof(ServerInfoSections).Assembly.ManifestModule.ModuleVersionId.GetHashCode())).ToLowerInvariant();

    public static void Register(VigilServer server)
    {
        var info = server.Info;
        info.Add("server", sb => WriteServer(sb, server));
        info.Add("clients", sb => WriteClients(sb, server));
        info.Add("memory", server.Memory.WriteInfo);
        info.Add("stats", sb => server.Stats.WriteInfo(sb, server));
        info.Add("cpu", WriteCpu);
        info.Add("modules", _ => { });
        info.Add("commandstats", sb => WriteCommandStats(sb, server), inDefault: false);
        info.Add("errorstats", server.Stats.WriteErrorInfo);
        info.Add("latencystats", sb => WriteLatencyStats(sb, server), inDefault: false);
        info.Add("cluster", sb => sb.Append("cluster_enabled:0\r\n"));
        info.Add("keyspace", server.Keyspace.WriteInfo);
    }

    private static void WriteServer(StringBuilder sb, VigilServer server)
    {
        var i = CultureInfo.InvariantCulture;
        long nowUs = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
        long uptime = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - server.StartTimeMs) / 1000;
        sb.Append(i, $"redis_version:{ServerInfo.RedisVersion}\r\n");
        sb.Append("redis_git_sha1:00000000\r\n");
        sb.Append("redis_git_dirty:0\r\n");
        sb.Append(i, $"redis_build_id:{BuildId}\r\n");
        sb.Append("redis_mode:standalone\r\n");
        sb.Append(i, $"os:{OperatingSystem}\r\n");
        sb.Append(i, $"arch_bits:{IntPtr.Size * 8}\r\n");
        sb.Append("monotonic_clock:POSIX clock_gettime\r\n");
        sb.Append("multiplexing_api:epoll\r\n");
        sb.Append("atomicvar_api:c11-builtin\r\n");
        sb.Append("gcc_version:0.0.0\r\n");
        sb.Append(i, $"process_id:{Environment.ProcessId}\r\n");
        sb.Append(i, $"process_supervised:{server.SupervisedBy}\r\n");
        sb.Append(i, $"run_id:{server.RunId}\r\n");
        sb.Append(i, $"tcp_port:{server.Port}\r\n");
        sb.Append(i, $"server_time_usec:{nowUs}\r\n");
        sb.Append(i, $"uptime_in_seconds:{uptime}\r\n");
        sb.Append(i, $"uptime_in_days:{uptime / 86400}\r\n");
        sb.Append(i, $"hz:{server.Config.Hz}\r\n");
        sb.Append(i, $"configured_hz:{server.Config.Hz}\r\n");
        sb.Append(i, $"lru_clock:{(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000) & ((1 << 24) - 1)}\r\n");
        sb.Append(i, $"executable:{Environment.ProcessPath ?? ""}\r\n");
        sb.Append(i, $"config_file:{server.Config.ConfigFile ?? ""}\r\n");
        sb.Append("io_threads_active:0\r\n");
    }

    /// <summary>uname's system, release and machine, as Redis prints "os:".</summary>
    private static string DescribeOperatingSystem()
    {
        string machine = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "x86_64",
            Architecture.Arm64 => "aarch64",
            var other => other.ToString().ToLowerInvariant(),
        };
        try
        {
            string name = File.ReadAllText("/proc/sys/kernel/ostype").Trim();
            string release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
            return $"{name} {release} {machine}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{RuntimeInformation.OSDescription} {machine}";
        }
    }

    private static void WriteClients(StringBuilder sb, VigilServer server)
    {
        int replicas = 0;
        long maxInput = 0, maxOutput = 0;
        foreach (var client in server.Clients.All)
        {
            if (ClientDescription.TypeOf(client) == ClientType.Replica) replicas++;
            maxInput = Math.Max(maxInput, client.QueryBufferLength);
            maxOutput = Math.Max(maxOutput, client.Output.Length);
        }
        var i = CultureInfo.InvariantCulture;
        sb.Append(i, $"connected_clients:{server.Clients.Count - replicas}\r\n");
        sb.Append("cluster_connections:0\r\n");
        sb.Append(i, $"maxclients:{server.Config.MaxClients}\r\n");
        sb.Append(i, $"client_recent_max_input_buffer:{maxInput}\r\n");
        sb.Append(i, $"client_recent_max_output_buffer:{maxOutput}\r\n");
        sb.Append(i, $"blocked_clients:{server.Stats.BlockedClients}\r\n");
        sb.Append("tracking_clients:0\r\n");
        sb.Append(i, $"clients_in_timeout_table:{server.Stats.ClientsInTimeoutTable}\r\n");
    }

    private static void WriteCpu(StringBuilder sb)
    {
        using var process = Process.GetCurrentProcess();
        var i = CultureInfo.InvariantCulture;
        double system = process.PrivilegedProcessorTime.TotalSeconds;
        double user = process.UserProcessorTime.TotalSeconds;
        sb.Append(i, $"used_cpu_sys:{system:F6}\r\n");
        sb.Append(i, $"used_cpu_user:{user:F6}\r\n");
        sb.Append("used_cpu_sys_children:0.000000\r\n");
        sb.Append("used_cpu_user_children:0.000000\r\n");
        // Commands run on whichever thread read them: the process figures stand for the main thread's.
        sb.Append(i, $"used_cpu_sys_main_thread:{system:F6}\r\n");
        sb.Append(i, $"used_cpu_user_main_thread:{user:F6}\r\n");
    }

    /// <summary>Every command and subcommand that was called, rejected or failed, by name.</summary>
    private static List<Commands.RedisCommand> UsedCommands(VigilServer server, Func<Commands.RedisCommand, bool> used)
    {
        var list = new List<Commands.RedisCommand>();
        foreach (var command in server.Commands.All)
        {
            if (used(command)) list.Add(command);
            if (command.Subcommands == null) continue;
            foreach (var sub in command.Subcommands.Values)
            {
                if (used(sub)) list.Add(sub);
            }
        }
        list.Sort((a, b) => string.CompareOrdinal(a.FullName, b.FullName));
        return list;
    }

    private static void WriteCommandStats(StringBuilder sb, VigilServer server)
    {
        var i = CultureInfo.InvariantCulture;
        foreach (var c in UsedCommands(server, c => c.Calls > 0 || c.RejectedCalls > 0 || c.FailedCalls > 0))
        {
            double perCall = c.Calls == 0 ? 0 : (double)c.Microseconds / c.Calls;
            sb.Append(i, $"cmdstat_{c.FullName}:calls={c.Calls},usec={c.Microseconds},usec_per_call={perCall:F2},rejected_calls={c.RejectedCalls},failed_calls={c.FailedCalls}\r\n");
        }
    }

    private static void WriteLatencyStats(StringBuilder sb, VigilServer server)
    {
        var percentiles = server.Config.LatencyTrackingInfoPercentiles;
        var i = CultureInfo.InvariantCulture;
        foreach (var c in UsedCommands(server, c => c.Latency is { TotalCount: > 0 }))
        {
            sb.Append(i, $"latency_percentiles_usec_{c.FullName}:");
            for (int p = 0; p < percentiles.Length; p++)
            {
                if (p > 0) sb.Append(',');
                double micros = c.Latency!.ValueAtPercentile(percentiles[p]) / 1000.0;
                sb.Append(i, $"p{ServerDirectives.FormatPercentile(percentiles[p])}={micros:F3}");
            }
            sb.Append("\r\n");
        }
    }
}
