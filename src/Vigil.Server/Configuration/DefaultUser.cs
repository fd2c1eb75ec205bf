using System.Security.Cryptography;
using System.Text;

namespace Vigil.Server.Configuration;

/// <summary>
/// Redis's "default" user, the only one Vigil has: no password (nopass) or a set of passwords kept
/// as SHA-256 hashes, as ACL keeps them. <c>requirepass</c> sets it; so do the <c>user default ...</c>
/// lines Redis's CONFIG REWRITE writes, as long as they grant everything (Vigil enforces no ACL rules).
/// </summary>
public sealed class DefaultUser
{
    private readonly List<string> _passwordHashes = new();

    /// <summary>True when any password is accepted (the user has no password).</summary>
    public bool NoPass { get; private set; } = true;

    public IReadOnlyList<string> PasswordHashes => _passwordHashes;

    /// <summary>requirepass: the one password, or none (ACLUpdateDefaultUserPassword).</summary>
    public void SetPassword(string password)
    {
        _passwordHashes.Clear();
        NoPass = password.Length == 0;
        if (!NoPass) _passwordHashes.Add(Hash(Encoding.UTF8.GetBytes(password)));
    }

    public bool Accepts(ReadOnlySpan<byte> password)
    {
        if (NoPass) return true;
        string hash = Hash(password);
        foreach (var stored in _passwordHashes)
        {
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(hash))) return true;
        }
        return false;
    }

    /// <summary>ACLDescribeUser: how ACL LIST and CONFIG REWRITE describe the user.</summary>
    public string Describe()
    {
        var sb = new StringBuilder("user default on");
        if (NoPass) sb.Append(" nopass");
        foreach (var hash in _passwordHashes) sb.Append(" #").Append(hash);
        return sb.Append(" ~* &* +@all").ToString();
    }

    /// <summary>
    /// Applies the rules of a <c>user default ...</c> line; returns null, or the rule Vigil cannot
    /// honour (anything that would restrict the user, or turn it off) with the reason.
    /// </summary>
    public (string Rule, string Reason)? Apply(IEnumerable<string> rules)
    {
        foreach (var rule in rules)
        {
            string lower = rule.ToLowerInvariant();
            switch (lower)
            {
                case "on" or "~*" or "allkeys" or "%rw~*" or "&*" or "allchannels" or "+@all" or "allcommands" or "sanitize-payload" or "skip-sanitize-payload":
                    continue;
                case "nopass":
                    _passwordHashes.Clear();
                    NoPass = true;
                    continue;
                case "resetpass":
                    _passwordHashes.Clear();
                    NoPass = false;
                    continue;
            }
            if (rule.Length > 0 && rule[0] is '>' or '<')
            {
                Change(Hash(Encoding.UTF8.GetBytes(rule[1..])), add: rule[0] == '>');
                continue;
            }
            if (rule.Length == 65 && rule[0] is '#' or '!' && rule[1..].All(Uri.IsHexDigit))
            {
                Change(rule[1..].ToLowerInvariant(), add: rule[0] == '#');
                continue;
            }
            return (rule, "Vigil has only the default user with every permission; this rule is not supported");
        }
        return null;
    }

    private void Change(string hash, bool add)
    {
        _passwordHashes.Remove(hash);
        if (!add) return;
        _passwordHashes.Add(hash);
        NoPass = false;
    }

    private static string Hash(ReadOnlySpan<byte> password) => Convert.ToHexString(SHA256.HashData(password)).ToLowerInvariant();
}
