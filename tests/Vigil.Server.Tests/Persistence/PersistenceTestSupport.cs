using System.Text;
using Vigil.Server.Configuration;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Persistence;

/// <summary>A data directory that outlives one node, so that a second node can start from its files.</summary>
internal sealed class DataDir : IDisposable
{
    public DataDir() => Path = Directory.CreateTempSubdirectory("vigil-data-").FullName;

    public string Path { get; }

    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public string AofDir => File("appendonlydir");

    /// <summary>A node on this directory (no save points unless <paramref name="configure"/> sets some).</summary>
    public TestServer Start(Action<ServerConfig>? configure = null) => new(c =>
    {
        c.Dir = Path;
        configure?.Invoke(c);
    });

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class PersistenceTestSupport
{
    /// <summary>INFO persistence's fields, read the way the INFO command prints them.</summary>
    public static Dictionary<string, string> InfoPersistence(this TestServer server)
    {
        var sb = new StringBuilder();
        lock (server.Server.Sync) server.Server.Info.Find("persistence")!.Write(sb);
        var fields = new Dictionary<string, string>();
        foreach (var line in sb.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = line.IndexOf(':');
            fields.Add(line[..colon], line[(colon + 1)..]);
        }
        return fields;
    }

    /// <summary>Polls until <paramref name="condition"/> holds (a generous deadline: the machine is shared).</summary>
    public static void WaitUntil(Func<bool> condition, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in time");
            Thread.Sleep(20);
        }
    }

    public static void WaitForBackgroundJobs(this TestServer server) =>
        WaitUntil(() =>
        {
            var info = server.InfoPersistence();
            return info["rdb_bgsave_in_progress"] == "0" && info["aof_rewrite_in_progress"] == "0";
        });
}
