namespace Vigil.Server;

/// <summary>
/// The latency monitor (latency.c): events slower than latency-monitor-threshold milliseconds
/// ("command", "fast-command", and whatever other features report), the last 160 samples of each,
/// at most one per second.
/// </summary>
public sealed class LatencyMonitor
{
    private const int HistoryLength = 160;

    private readonly VigilServer _server;
    private readonly SortedDictionary<string, EventHistory> _events = new(StringComparer.Ordinal);

    public LatencyMonitor(VigilServer server)
    {
        _server = server;
    }

    public sealed class EventHistory
    {
        /// <summary>Samples, oldest first: (Unix seconds, milliseconds).</summary>
        public List<(long Time, long Latency)> Samples { get; } = new();

        public long Max { get; set; }
    }

    public IReadOnlyDictionary<string, EventHistory> Events => _events;

    /// <summary>latencyAddSampleIfNeeded: records <paramref name="milliseconds"/> when the monitor is on and it reaches the threshold.</summary>
    public void AddSampleIfNeeded(string eventName, long milliseconds)
    {
        long threshold = _server.Config.LatencyMonitorThreshold;
        if (threshold == 0 || milliseconds < threshold) return;
        if (!_events.TryGetValue(eventName, out var history)) _events[eventName] = history = new EventHistory();
        long now = _server.Keyspace.Now / 1000;
        var samples = history.Samples;
        // Two samples within the same second keep the larger.
        if (samples.Count > 0 && samples[^1].Time == now)
        {
            if (samples[^1].Latency < milliseconds) samples[^1] = (now, milliseconds);
        }
        else
        {
            samples.Add((now, milliseconds));
            if (samples.Count > HistoryLength) samples.RemoveAt(0);
        }
        history.Max = Math.Max(history.Max, milliseconds);
    }

    /// <summary>LATENCY RESET: the named events, or every event; returns how many were reset.</summary>
    public int Reset(IReadOnlyCollection<string> names)
    {
        if (names.Count == 0)
        {
            int all = _events.Count;
            _events.Clear();
            return all;
        }
        int reset = 0;
        foreach (var name in names)
        {
            if (_events.Remove(name)) reset++;
        }
        return reset;
    }
}
