using System.CommandLine;
using Vigil;

// Measured on 2 cores (docs/performance.md): running socket continuations inline on one event
// thread beats hopping to the thread pool. The socket engine reads these once, on first use.
RuntimeKnobs.Apply();

string invokedAs = Path.GetFileNameWithoutExtension(Environment.GetCommandLineArgs()[0]);
if (invokedAs == "vigil-server") return ServerHost.Run(args);

if (args.Length > 0 && args[0] == "server") return ServerHost.Run(args[1..]);

var root = new RootCommand("Vigil: a Redis-compatible, highly available key-value server.");
var server = new Command("server", "Start a data node, as redis-server: vigil server [redis.conf] [--directive value ...]");
server.Arguments.Add(new Argument<string[]>("redis-arguments") { Arity = ArgumentArity.ZeroOrMore });
root.Subcommands.Add(server);
var version = new Option<bool>("-v") { Description = "Print the version." };
root.Options.Add(version);
root.SetAction(result =>
{
    if (result.GetValue(version))
    {
        Console.WriteLine(ServerHost.VersionLine);
        return 0;
    }
    Console.Error.WriteLine("Usage: vigil server [redis.conf] [--directive value ...]   (see vigil --help)");
    return 1;
});
return root.Parse(args).Invoke();
