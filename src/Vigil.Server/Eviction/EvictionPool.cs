namespace Vigil.Server.Eviction;

/// <summary>
/// Redis's eviction pool (evict.c, evictionPoolPopulate): the best eviction candidates sampling has
/// found so far, kept in ascending order of score (idle time, 255 minus the LFU counter, or the
/// inverted expiry time: higher is a better victim). Each round adds maxmemory-samples keys per
/// database and the victim is taken from the top; since good candidates stay across rounds, a few
/// samples per round approximate true LRU/LFU closely.
/// </summary>
internal sealed class EvictionPool
{
    /// <summary>EVPOOL_SIZE.</summary>
    public const int Size = 16;

    private readonly Candidate[] _candidates = new Candidate[Size];

    private struct Candidate
    {
        public byte[]? Key;     // null marks an empty place
        public uint Hash;
        public int Db;
        public ulong Score;
    }

    public int Count
    {
        get
        {
            int n = 0;
            foreach (var c in _candidates) if (c.Key != null) n++;
            return n;
        }
    }

    /// <summary>
    /// Offers a sampled key: it takes its place by score when there is room or when it beats the
    /// worst candidate, which then leaves. The key array is the table's own (keys never change).
    /// </summary>
    public void Offer(byte[] key, uint hash, int db, ulong score)
    {
        var pool = _candidates;
        int k = 0;
        while (k < Size && pool[k].Key != null && pool[k].Score < score) k++;
        if (k == 0 && pool[Size - 1].Key != null) return;   // worse than every candidate of a full pool
        if (k == Size || pool[k].Key != null)
        {
            if (pool[Size - 1].Key == null)
            {
                // Room on the right: shift from k on.
                Array.Copy(pool, k, pool, k + 1, Size - k - 1);
            }
            else
            {
                // Full: the worst candidate (at 0) leaves, the ones below k shift down.
                k--;
                Array.Copy(pool, 1, pool, 0, k);
            }
        }
        pool[k] = new Candidate { Key = key, Hash = hash, Db = db, Score = score };
    }

    /// <summary>Takes out the best candidate (the highest score); false when the pool is empty.</summary>
    public bool TryTakeBest(out byte[] key, out uint hash, out int db)
    {
        for (int k = Size - 1; k >= 0; k--)
        {
            ref var c = ref _candidates[k];
            if (c.Key == null) continue;
            key = c.Key;
            hash = c.Hash;
            db = c.Db;
            c = default;
            return true;
        }
        key = null!;
        hash = 0;
        db = 0;
        return false;
    }

    /// <summary>Forgets every candidate (the keyspace was replaced, or the policy changed).</summary>
    public void Clear() => Array.Clear(_candidates);
}
