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
        SortedSetCommands.Register(server);
        BitmapCommands.Register(server);
        HyperLogLogCommands.Register(server);
        KeyCommands.Register(server);
        ListCommands.Register(server);
        DumpRestoreCommands.Register(server);
        PubSubCommands.Register(server);
        TransactionCommands.Register(server);
        InfoCommand.Register(server);
        ConfigCommand.Register(server);
        ClientCommand.Register(server);
        ClientUnblockCommand.Register(server);
        DebugCommand.Register(server);
        SlowLogCommand.Register(server);
        ServerCommands.Register(server);
        MonitorCommand.Register(server);
        LatencyCommand.Register(server);
        MemoryCommand.Register(server);
        ClusterCommand.Register(server);
        AclCommand.Register(server);
        CommandCommand.Register(server);
        // After the server's own families: these add subcommands to DEBUG and the like.
        PersistenceCommands.Register(server);
        ReplicationCommands.Register(server);
    }
}
