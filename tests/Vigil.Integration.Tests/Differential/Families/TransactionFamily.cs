namespace Vigil.Integration.Tests.Differential.Families;

/// <summary>
/// MULTI/EXEC/DISCARD/WATCH: queued commands from every other family (some failing at queue time,
/// which aborts EXEC, some at run time, which does not), watched keys touched before EXEC, and the
/// misuse errors (EXEC without MULTI, nested MULTI, WATCH inside MULTI).
/// </summary>
public sealed class TransactionFamily : CommandFamily
{
    public override IEnumerable<string> CommandNames => ["multi", "exec", "discard", "watch", "unwatch"];

    public override bool IsAvailable(Func<string, bool> supports) => CommandNames.All(supports);

    public override void Generate(GenerationContext ctx, List<DiffCommand> output)
    {
        var r = ctx.Random;
        switch (r.Next(10))
        {
            case 0:
                output.Add(Cmd(r.Pick("EXEC", "DISCARD", "UNWATCH")));
                return;
            case 1 or 2:
                output.Add(Cmd("WATCH", r.Keys(1, 3)));
                if (r.Chance(0.5)) output.Add(ctx.AnyExactCommand());
                if (r.Chance(0.2)) output.Add(Cmd("UNWATCH"));
                break;
        }
        output.Add(Cmd("MULTI"));
        int queued = r.Between(0, 5);
        for (int i = 0; i < queued; i++)
        {
            output.Add(r.Next(25) switch
            {
                0 => Cmd("MULTI"),
                1 => Cmd("WATCH", r.Key()),
                2 => Cmd("NOSUCHCOMMAND", r.Key()),
                3 => Cmd("GET"),
                _ => ctx.AnyExactCommand(),
            });
        }
        output.Add(Cmd(r.Chance(0.85) ? "EXEC" : "DISCARD"));
    }
}
