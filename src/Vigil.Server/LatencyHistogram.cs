using System.Numerics;

namespace Vigil.Server;

/// <summary>
/// A command's latencies in nanoseconds (INFO latencystats, LATENCY HISTOGRAM), in log-linear
/// buckets: 64 per power of two, so percentiles are within about 1.5% as Redis's HdrHistogram
/// with two significant digits. Values above one second count as one second.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBuckets = 64;
    private const int SubBucketBits = 6;
    private const long MaxValue = 1_000_000_000;

    private readonly long[] _counts = new long[Index(MaxValue) + 1];

    public long TotalCount { get; private set; }

    public void Record(long nanoseconds)
    {
        _counts[Index(Math.Clamp(nanoseconds, 1, MaxValue))]++;
        TotalCount++;
    }

    private static int Index(long value)
    {
        if (value < SubBuckets) return (int)value;
        int exponent = 63 - BitOperations.LeadingZeroCount((ulong)value);
        int shift = exponent - SubBucketBits;
        return SubBuckets + shift * SubBuckets + (int)((value >> shift) - SubBuckets);
    }

    /// <summary>The largest value that falls into bucket <paramref name="index"/> (hdr's highest equivalent value).</summary>
    private static long HighestInBucket(int index)
    {
        if (index < SubBuckets) return index;
        int shift = (index - SubBuckets) / SubBuckets;
        long low = (long)(SubBuckets + (index - SubBuckets) % SubBuckets) << shift;
        return low + (1L << shift) - 1;
    }

    /// <summary>hdr_value_at_percentile: the value below which <paramref name="percentile"/>% of the recorded values fall.</summary>
    public long ValueAtPercentile(double percentile)
    {
        long target = Math.Max(1, (long)(percentile / 100 * TotalCount + 0.5));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= target) return HighestInBucket(i);
        }
        return 0;
    }

    /// <summary>
    /// LATENCY HISTOGRAM's histogram_usec: (bucket in microseconds, cumulative count) at powers of two
    /// from 1024 ns, where the count grew, until every value is counted.
    /// </summary>
    public List<(long Micros, long Cumulative)> CumulativeByPowerOfTwo()
    {
        var points = new List<(long, long)>();
        long cumulative = 0, previous = 0;
        int index = 0;
        for (long bound = 1024; previous < TotalCount; bound *= 2)
        {
            while (index < _counts.Length && HighestInBucket(index) < bound) cumulative += _counts[index++];
            if (cumulative > previous) points.Add(((bound - 1) / 1000, cumulative));
            previous = cumulative;
            if (index >= _counts.Length) break;
        }
        return points;
    }
}
