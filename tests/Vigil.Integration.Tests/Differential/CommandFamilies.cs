using Vigil.Integration.Tests.Differential.Families;

namespace Vigil.Integration.Tests.Differential;

/// <summary>Every family the differential tester draws commands from. Add a new family here (see README.md).</summary>
public static class CommandFamilies
{
    public static IReadOnlyList<CommandFamily> All { get; } =
    [
        new StringFamily(),
        new KeyFamily(),
        new ListFamily(),
        new HashFamily(),
        new SetFamily(),
        new SortedSetFamily(),
        new BitmapFamily(),
        new HyperLogLogFamily(),
        new TransactionFamily(),
        new ErrorFamily(),
    ];
}
