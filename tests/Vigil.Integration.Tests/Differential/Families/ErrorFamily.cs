namespace Vigil.Integration.Tests.Differential.Families;

/// <summary>
/// Requests no family owns: unknown commands (whose error quotes the first arguments, binary ones
/// included), an empty command name, and the connection commands that answer the same on any server.
/// </summary>
public sealed class ErrorFamily : CommandFamily
{
    public ErrorFamily()
    {
        Add("ping", 2, r => r.Chance(0.5) ? Cmd("PING") : Cmd("PING", r.Value()));
        Add("echo", 2, r => Cmd("ECHO", r.Value()));
        Add(AnyServer, 3, r => Cmd(r.Pick("NOSUCHCOMMAND", "", "GETT", "s e t", "\xff\0"), Arguments(r)));
    }

    private static byte[][] Arguments(CommandRandom r)
    {
        var args = new byte[r.Between(0, 6)][];
        for (int i = 0; i < args.Length; i++) args[i] = r.Chance(0.2) ? r.RandomBytes(r.Between(0, 200)) : r.Value();
        return args;
    }
}
