namespace Vigil.Server.Storage;

/// <summary>
/// The active expiry cycle (expire.c, activeExpireCycle): each cron tick samples keys with a TTL
/// in every database and deletes the expired ones, repeating while more than a quarter of a sample
/// was expired, within a time budget of a quarter of the tick. Replicas skip it: their master's DELs
/// remove expired keys.
/// </summary>
internal sealed class ActiveExpiry
{
    private const int KeysPerLoop = 20;
    private readonly VigilServer _server;
    private readonly Random _random = new();

    public ActiveExpiry(VigilServer server)
    {
        _server = server;
    }

    public void RunCycle()
    {
        var keyspace = _server.Keyspace;
        if (keyspace.IsReplica || keyspace.DeletionsPaused || !_server.ActiveExpireEnabled) return;
        long budgetTicks = System.Diagnostics.Stopwatch.Frequency / Math.Max(1, _server.Config.Hz) / 4;
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        long totalSampled = 0, totalExpired = 0;
        try
        {
            RunCycle(keyspace, start, budgetTicks, ref totalSampled, ref totalExpired);
        }
        finally
        {
            // INFO stats: the share of expired keys among those sampled (a moving average, as
            // stat_expired_stale_perc) and the time the cycles took.
            var stats = _server.Stats;
            double current = totalSampled > 0 ? (double)totalExpired / totalSampled : 0;
            stats.ExpiredStalePercentage = current * 0.05 + stats.ExpiredStalePercentage * 0.95;
            stats.ExpireCycleCpuMicroseconds += (long)System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
    }

    private void RunCycle(Keyspace keyspace, long start, long budgetTicks, ref long totalSampled, ref long totalExpired)
    {
        for (int i = 0; i < keyspace.DatabaseCount; i++)
        {
            var db = keyspace[i];
            while (db.ExpiresCount > 0)
            {
                int sampled = 0, expired = 0;
                long ttlSum = 0;
                int ttlSamples = 0;
                int loops = Math.Min(KeysPerLoop, db.ExpiresCount);
                for (int k = 0; k < loops; k++)
                {
                    int slot = db.Expires.RandomSlot(_random);
                    if (slot < 0) break;
                    sampled++;
                    var key = db.Expires.KeyAt(slot)!;
                    long when = db.Expires.ValueAt(slot);
                    if (when <= keyspace.Now)
                    {
                        db.DeleteExpired(key, KeyTable<long>.HashOf(key));
                        expired++;
                    }
                    else
                    {
                        ttlSum += when - keyspace.Now;
                        ttlSamples++;
                    }
                }
                if (ttlSamples > 0)
                {
                    // Redis keeps a running average weighted 2% toward each new sample.
                    long average = ttlSum / ttlSamples;
                    db.AverageTtl = db.AverageTtl == 0 ? average : (db.AverageTtl / 50 * 49) + (average / 50);
                }
                totalSampled += sampled;
                totalExpired += expired;
                if (expired * 4 <= sampled) break;
                if (System.Diagnostics.Stopwatch.GetTimestamp() - start > budgetTicks)
                {
                    _server.Stats.ExpiredTimeCapReachedCount++;
                    return;
                }
            }
            db.Main.ShrinkIfSparse();
            db.Expires.ShrinkIfSparse();
        }
    }
}
