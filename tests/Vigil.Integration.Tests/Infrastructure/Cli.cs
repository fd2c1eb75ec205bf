using System.Diagnostics;

namespace Vigil.Integration.Tests.Infrastructure;

/// <summary>Runs a command line tool (redis-cli, vigil) to completion with a deadline.</summary>
public static class Cli
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string All => StdOut + StdErr;
    }

    public static Result Run(string fileName, IEnumerable<string> args, string? stdin = null, int timeoutMs = 30_000, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin != null,
            UseShellExecute = false,
        };
        if (workingDirectory != null) info.WorkingDirectory = workingDirectory;
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        if (stdin != null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish in {timeoutMs} ms");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result RedisCli(int port, params string[] args) =>
        Run(Paths.RedisCli, new[] { "-h", "127.0.0.1", "-p", port.ToString() }.Concat(args));
}
