using System.Globalization;

namespace Vigil.Server;

public enum LogLevel
{
    Debug,
    Verbose,
    Notice,
    Warning,
}

/// <summary>
/// Redis's log line format: <c>pid:role dd Mon yyyy HH:mm:ss.fff &lt;level&gt; message</c>, with
/// '.' debug, '-' verbose, '*' notice, '#' warning. Written to the logfile, or standard output.
/// </summary>
public sealed class ServerLog
{
    private readonly object _sync = new();
    private TextWriter _writer = Console.Out;

    public LogLevel MinimumLevel { get; set; } = LogLevel.Notice;

    /// <summary>'M' master, 'S' replica, 'X' sentinel, 'C' child.</summary>
    public char Role { get; set; } = 'M';

    public void UseFile(string path)
    {
        if (string.IsNullOrEmpty(path)) return;
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        _writer = new StreamWriter(stream) { AutoFlush = true };
    }

    public void Write(LogLevel level, string message)
    {
        if (level < MinimumLevel) return;
        char mark = level switch { LogLevel.Debug => '.', LogLevel.Verbose => '-', LogLevel.Notice => '*', _ => '#' };
        string time = DateTime.Now.ToString("dd MMM yyyy HH:mm:ss.fff", CultureInfo.InvariantCulture);
        lock (_sync)
        {
            try
            {
                _writer.WriteLine($"{Environment.ProcessId}:{Role} {time} {mark} {message}");
                _writer.Flush();
            }
            catch (IOException)
            {
                // A closed terminal must not take the server down.
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    public void Notice(string message) => Write(LogLevel.Notice, message);

    public void Warning(string message) => Write(LogLevel.Warning, message);

    public void Verbose(string message) => Write(LogLevel.Verbose, message);

    public static LogLevel Parse(string level) => level switch
    {
        "debug" => LogLevel.Debug,
        "verbose" => LogLevel.Verbose,
        "warning" => LogLevel.Warning,
        _ => LogLevel.Notice,
    };
}
