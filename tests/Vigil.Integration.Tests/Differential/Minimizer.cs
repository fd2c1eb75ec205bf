using System.Diagnostics;

namespace Vigil.Integration.Tests.Differential;

/// <summary>
/// Shrinks a diverging sequence while it still diverges: cuts what follows the divergence, then
/// drops writes one at a time, then single commands out of pipelines. Bounded in runs and time.
/// </summary>
public static class Minimizer
{
    public static (DiffSequence Sequence, Divergence Divergence) Minimize(DiffRunner runner, DiffSequence failing, Divergence divergence,
        int maxRuns = 300, double maxSeconds = 60)
    {
        var clock = Stopwatch.StartNew();
        int runs = 0;
        var best = failing;
        var bestDivergence = divergence;

        bool TryKeep(DiffSequence candidate)
        {
            if (runs >= maxRuns || clock.Elapsed.TotalSeconds > maxSeconds) return false;
            runs++;
            var d = runner.Run(candidate);
            if (d == null) return false;
            best = candidate;
            bestDivergence = d;
            return true;
        }

        // Nothing after the diverging write matters.
        if (divergence.Command != null)
        {
            TryKeep(new DiffSequence(failing.Writes.Take(divergence.WriteIndex + 1).ToList(), null));
        }

        bool progress = true;
        while (progress)
        {
            progress = false;
            if (best.FinalInput != null && best.Writes.Count > 0) progress |= TryKeep(best with { Writes = [] });
            for (int i = best.Writes.Count - 1; i >= 0; i--)
            {
                if (i >= best.Writes.Count) continue;
                var writes = best.Writes.ToList();
                writes.RemoveAt(i);
                progress |= TryKeep(best with { Writes = writes });
            }
            for (int i = 0; i < best.Writes.Count; i++)
            {
                for (int c = best.Writes[i].Commands.Count - 1; c >= 0 && best.Writes[i].Commands.Count > 1; c--)
                {
                    if (c >= best.Writes[i].Commands.Count) continue;
                    var commands = best.Writes[i].Commands.ToList();
                    commands.RemoveAt(c);
                    var writes = best.Writes.ToList();
                    writes[i] = writes[i] with { Commands = commands };
                    progress |= TryKeep(best with { Writes = writes });
                }
            }
            if (runs >= maxRuns || clock.Elapsed.TotalSeconds > maxSeconds) break;
        }
        return (best, bestDivergence);
    }
}
