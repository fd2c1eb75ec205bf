namespace Vigil.Server;

/// <summary>
/// The instantaneous_* figures of INFO stats (trackInstantaneousMetric): per-second rates averaged
/// over the last 16 samples, one sample per cron tick.
/// </summary>
public sealed class InstantaneousMetrics
{
    private const int Samples = 16;

    private readonly Metric _commands = new();
    private readonly Metric _inputBytes = new();
    private readonly Metric _outputBytes = new();
    private readonly Metric _replInputBytes = new();
    private readonly Metric _replOutputBytes = new();

    public long OpsPerSecond => (long)_commands.PerSecond;

    public double InputKbps => _inputBytes.PerSecond / 1024;

    public double OutputKbps => _outputBytes.PerSecond / 1024;

    public double ReplInputKbps => _replInputBytes.PerSecond / 1024;

    public double ReplOutputKbps => _replOutputBytes.PerSecond / 1024;

    /// <summary>Called by the cron, under the lock.</summary>
    public void Sample(VigilServer server)
    {
        long now = Environment.TickCount64;
        var stats = server.Stats;
        _commands.Sample(stats.TotalCommandsProcessed, now);
        _inputBytes.Sample(Interlocked.Read(ref stats.TotalNetInputBytes), now);
        _outputBytes.Sample(Interlocked.Read(ref stats.TotalNetOutputBytes), now);
        _replInputBytes.Sample(Interlocked.Read(ref stats.TotalNetReplInputBytes), now);
        _replOutputBytes.Sample(Interlocked.Read(ref stats.TotalNetReplOutputBytes), now);
    }

    private sealed class Metric
    {
        private readonly double[] _rates = new double[Samples];
        private int _next;
        private long _lastValue = -1;
        private long _lastMs;

        public double PerSecond
        {
            get
            {
                double sum = 0;
                foreach (var rate in _rates) sum += rate;
                return sum / Samples;
            }
        }

        public void Sample(long value, long nowMs)
        {
            // Redis samples every 100 ms whatever hz is.
            if (_lastValue >= 0 && nowMs - _lastMs < 100) return;
            if (_lastValue >= 0)
            {
                // A counter reset by CONFIG RESETSTAT reads as no activity, not a negative rate.
                long delta = Math.Max(0, value - _lastValue);
                _rates[_next] = delta * 1000.0 / (nowMs - _lastMs);
                _next = (_next + 1) % Samples;
            }
            _lastValue = value;
            _lastMs = nowMs;
        }
    }
}
