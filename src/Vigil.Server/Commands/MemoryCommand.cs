using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>MEMORY USAGE | STATS | DOCTOR | MALLOC-STATS | PURGE | HELP (object.c).</summary>
internal static class MemoryCommand
{
    /// <summary>Below this much data, MEMORY DOCTOR has nothing to say (as Redis's 5 MB).</summary>
    private const long DoctorMinimum = 5 * 1024 * 1024;

    private static readonly string[] HelpLines =
    [
        "DOCTOR",
        "    Return memory problems reports.",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "STATS",
        "    Return information about the memory usage of the server.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
    ];

    public static void Register(VigilServer server)
    {
        var memory = server.Commands.AddContainer("memory", -2, None, "server");
        memory.AddSubcommand("help", 2, Loading | Stale, ctx => Help.Write(ctx, HelpLines));
        memory.AddSubcommand("usage", -3, ReadOnly, Usage, 2, 2, 1);
        memory.AddSubcommand("stats", 2, None, ctx => ctx.Server.Memory.WriteStats(ctx));
        memory.AddSubcommand("doctor", 2, None, Doctor);
        memory.AddSubcommand("malloc-stats", 2, None, ctx => ctx.Reply.WriteVerbatim("Stats not supported for the current allocator"));
        memory.AddSubcommand("purge", 2, None, ctx => ctx.Reply.WriteOk());
    }

    /// <summary>MEMORY USAGE key [SAMPLES count]: bytes of the key and its value; the count is checked, sizes are exact already.</summary>
    private static void Usage(CommandContext ctx)
    {
        for (int i = 3; i < ctx.ArgCount; i += 2)
        {
            if (!ctx.ArgIs(i, "samples"u8) || i + 1 >= ctx.ArgCount)
            {
                ctx.SyntaxError();
                return;
            }
            if (!ctx.TryGetInt64(i + 1, out long samples)) return;
            if (samples < 0)
            {
                ctx.SyntaxError();
                return;
            }
        }
        var key = ctx.Arg(2);
        var value = ctx.Db.Peek(key);
        if (value == null)
        {
            ctx.Reply.WriteNull();
            return;
        }
        ctx.Reply.WriteInteger(MemoryAccounting.KeySize(key, value));
    }

    private static void Doctor(CommandContext ctx)
    {
        var report = ctx.Server.Memory.Measure();
        ctx.Reply.WriteVerbatim(report.Dataset < DoctorMinimum
            ? "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting."
            : "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.");
    }
}
