using System;
using System.Runtime.InteropServices;
using CapOS.SpaceBank;
using Xunit;

namespace CapOS.Services.Tests.SpaceBank;

/// <summary>
/// The owner map's placement (ObjectMap I5, docs/services.md "How allocations stay close on disk"): a bank fills
/// its current extent, then claims the lowest wholly unused one, so what a pass gave back is what the next pass buys.
/// </summary>
public sealed unsafe class ObjectMapTests : IDisposable
{
    private readonly BankTable* _table = (BankTable*)NativeMemory.AllocZeroed((nuint)sizeof(BankTable));
    private readonly ObjectMap* _pages = (ObjectMap*)NativeMemory.AllocZeroed((nuint)sizeof(ObjectMap));

    public ObjectMapTests()
    {
        _pages->Initialize(5, 16, 1000);
        _table->Flags[0] = BankTable.Alive;
        _table->Flags[1] = BankTable.Alive;
        _pages->Limit[0] = uint.MaxValue;
        _pages->Limit[1] = uint.MaxValue;
        _table->NextIndex = 2;
    }

    public void Dispose()
    {
        NativeMemory.Free(_table);
        NativeMemory.Free(_pages);
    }

    [Fact]
    public void AnEmptiedExtentIsClaimedAgainFirst()
    {
        int[] first = Take(0, 100);
        Assert.Equal(Sequence(0, 100), first);
        foreach (int offset in first)
        {
            _pages->Release(offset);
        }

        // The current extent (6, offsets 96..111) first, then the lowest wholly unused: 0, 1, ...
        int[] again = Take(0, 100);
        Assert.Equal(Sequence(96, 16), again[..16]);
        Assert.Equal(Sequence(0, 84), again[16..]);
    }

    [Fact]
    public void AnotherBankClaimsTheLowestUnusedExtentNotItsNeighbour()
    {
        Take(0, 40);                  // extents 0..2 (2 partly)
        Assert.Equal(Sequence(48, 16), Take(1, 16)); // bank 1: extent 3
        for (int offset = 0; offset < 16; offset++)
        {
            _pages->Release(offset);  // extent 0 wholly unused again
        }

        Assert.Equal(0, _pages->LowestUnused);
        Assert.Equal(Sequence(0, 16), Take(1, 16)); // bank 1's current extent (3) is full: extent 0, not 4
    }

    private int[] Take(int bank, int n)
    {
        int[] taken = new int[n];
        for (int i = 0; i < n; i++)
        {
            taken[i] = _pages->Pick(bank);
            _pages->Take(taken[i], bank);
        }

        return taken;
    }

    private static int[] Sequence(int start, int count)
    {
        int[] values = new int[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = start + i;
        }

        return values;
    }
}
