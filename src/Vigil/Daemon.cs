using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Vigil;

/// <summary>
/// <c>daemonize yes</c>. A .NET process cannot fork, so the command starts itself again as a child in
/// a session of its own, waits until that child listens (or fails), and returns, as redis-server
/// returns the shell. The child then points its standard streams at /dev/null.
/// </summary>
internal static partial class Daemon
{
    private const string ChildVariable = "VIGIL_DAEMON_CHILD";
    private const string ReadyLine = "\u0001vigil-ready";

    /// <summary>What Redis writes the pid to when daemonized without a pidfile.</summary>
    public const string DefaultPidFile = "/var/run/redis.pid";

    /// <summary>True in the detached child.</summary>
    public static bool IsChild => Environment.GetEnvironmentVariable(ChildVariable) == "1";

    /// <summary>
    /// Starts the detached child with the same arguments and waits for it to be ready. Returns the
    /// exit code for the parent: 0 once the child serves, or the child's own code when it stopped.
    /// </summary>
    public static int LaunchChild(string[] serverArgs)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        // Under "dotnet vigil.dll" the host needs the assembly first.
        if (Path.GetFileNameWithoutExtension(info.FileName) == "dotnet") info.ArgumentList.Add(typeof(Daemon).Assembly.Location);
        if (Path.GetFileNameWithoutExtension(info.FileName) != "vigil-server") info.ArgumentList.Add("server");
        foreach (var arg in serverArgs) info.ArgumentList.Add(arg);
        info.Environment[ChildVariable] = "1";
        using var child = Process.Start(info)!;
        child.StandardInput.Close();
        var errors = child.StandardError.ReadToEndAsync();
        // The child's log until it is ready is shown only when it fails to get there.
        var output = new System.Text.StringBuilder();
        string? line;
        while ((line = child.StandardOutput.ReadLine()) != null)
        {
            if (line == ReadyLine) return 0;
            output.AppendLine(line);
        }
        child.WaitForExit();
        Console.Out.Write(output);
        Console.Error.Write(errors.Result);
        return child.ExitCode == 0 ? 1 : child.ExitCode;
    }

    /// <summary>In the child, first thing: leave the parent's session and terminal.</summary>
    public static void DetachSession() => setsid();

    /// <summary>In the child, once it serves: tells the parent, then lets go of the parent's pipes.</summary>
    public static void SignalReady()
    {
        Console.Out.WriteLine(ReadyLine);
        Console.Out.Flush();
        int devNull = open("/dev/null", 2 /* O_RDWR */);
        if (devNull < 0) return;
        dup2(devNull, 0);
        dup2(devNull, 1);
        dup2(devNull, 2);
        if (devNull > 2) close(devNull);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsid();

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int dup2(int oldFd, int newFd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
