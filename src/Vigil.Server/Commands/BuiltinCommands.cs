namespace Vigil.Server.Commands;

/// <summary>Registers every command family of a data node.</summary>
internal static class BuiltinCommands
{
    public static void Register(VigilServer server)
    {
        ConnectionCommands.Register(server);
        StringCommands.Register(server);
        HashCommands.Register(server);
        SetCommands.Register(server);
        KeyCommands.Register(server);
        ListCommands.Register(server);
        DumpRestoreCommands.Register(server);
        PubSubCommands.Register(server);
        TransactionCommands.Register(server);
        PersistenceCommands.Register(server);
        ReplicationCommands.Register(server);
    }
}
