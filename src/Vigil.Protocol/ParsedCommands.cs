namespace Vigil.Protocol;

/// <summary>
/// The arguments of several parsed commands, as ranges into one receive buffer. Reused between
/// batches so that steady-state parsing allocates nothing.
/// </summary>
public sealed class ParsedCommands
{
    private ArgRange[] _args = new ArgRange[64];
    private int[] _commandStarts = new int[16];
    private int _argCount;

    public int Count { get; private set; }

    public ArgRange[] Args => _args;

    public int ArgStart(int command) => _commandStarts[command];

    public int ArgCount(int command) =>
        (command + 1 < Count ? _commandStarts[command + 1] : _argCount) - _commandStarts[command];

    public void Clear()
    {
        Count = 0;
        _argCount = 0;
    }

    internal int BeginCommand()
    {
        if (Count == _commandStarts.Length) Array.Resize(ref _commandStarts, Count * 2);
        _commandStarts[Count] = _argCount;
        return _argCount;
    }

    internal void AddArg(int start, int length)
    {
        if (_argCount == _args.Length) Array.Resize(ref _args, _argCount * 2);
        _args[_argCount++] = new ArgRange(start, length);
    }

    /// <summary>Makes the arguments added since <see cref="BeginCommand"/> a command.</summary>
    internal void CommitCommand() => Count++;

    /// <summary>Drops the arguments added since <paramref name="mark"/> (an incomplete command).</summary>
    internal void Rollback(int mark) => _argCount = mark;
}
