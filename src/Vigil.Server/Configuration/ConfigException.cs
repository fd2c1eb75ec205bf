namespace Vigil.Server.Configuration;

/// <summary>A config file or command-line directive that cannot be applied; startup stops.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message) : base(message)
    {
    }
}
