using System;
using System.Runtime.InteropServices;
using CapOS.SpaceBank;
using Xunit;

namespace CapOS.Services.Tests.SpaceBank;

/// <summary>
/// The bank server's audit (BankAudit A1-A5, docs/services.md "Space bank"), run over the server's own record and
/// map structures on the host: a bank tree with objects passes, after a legal destroy too; each rule, broken once
/// on purpose, is reported with its code and where.
/// </summary>
public sealed unsafe class BankAuditTests : IDisposable
{
    private readonly BankTable* _table = (BankTable*)NativeMemory.AllocZeroed((nuint)sizeof(BankTable));
    private readonly ObjectMap* _pages = (ObjectMap*)NativeMemory.AllocZeroed((nuint)sizeof(ObjectMap));
    private readonly ObjectMap* _nodes = (ObjectMap*)NativeMemory.AllocZeroed((nuint)sizeof(ObjectMap));
    private readonly uint* _scratch = (uint*)NativeMemory.AllocZeroed(BankTable.Capacity * sizeof(uint));

    /// <summary>Prime 0; 1 and 3 its children, 2 a child of 1. Bank 2 holds 5 pages and 2 nodes, bank 1 3 pages,
    /// bank 3 1 node, the prime bank 2 pages.</summary>
    public BankAuditTests()
    {
        _pages->Initialize(5, 16, 100);
        _nodes->Initialize(6, 7, 50);
        _table->Flags[0] = BankTable.Alive;
        _pages->Limit[0] = uint.MaxValue;
        _nodes->Limit[0] = uint.MaxValue;
        _table->NextIndex = 1;
        Create(0);
        Create(1);
        Create(0);
        Allocate(_pages, 2, 5);
        Allocate(_nodes, 2, 2);
        Allocate(_pages, 1, 3);
        Allocate(_nodes, 3, 1);
        Allocate(_pages, 0, 2);
    }

    public void Dispose()
    {
        NativeMemory.Free(_table);
        NativeMemory.Free(_pages);
        NativeMemory.Free(_nodes);
        NativeMemory.Free(_scratch);
    }

    [Fact]
    public void ATreeWithObjectsPassesAndIsCounted()
    {
        Assert.Equal(BankProtocol.AuditOk, Audit(out _, out ulong banks, out ulong pages, out ulong nodes));
        Assert.Equal(4UL, banks);
        Assert.Equal(10UL, pages);
        Assert.Equal(3UL, nodes);
    }

    [Fact]
    public void ADestroyReturningObjectsToTheParentPasses()
    {
        // Bank 1 and its child 2 die; their objects become the prime bank's (the server's Destroy, returning).
        for (int offset = 0; offset < _pages->Count; offset++)
        {
            if (_pages->Owner[offset] is 2 or 3)
            {
                _pages->Owner[offset] = 1;
            }
        }

        for (int offset = 0; offset < _nodes->Count; offset++)
        {
            if (_nodes->Owner[offset] == 3)
            {
                _nodes->Owner[offset] = 1;
            }
        }

        _table->Flags[1] = 0;
        _table->Flags[2] = 0;

        Assert.Equal(BankProtocol.AuditOk, Audit(out _, out ulong banks, out _, out _));
        Assert.Equal(2UL, banks);
    }

    // A1
    [Fact]
    public void ALiveBankUnderADeadParentIsReported()
    {
        _table->Flags[1] = 0;

        Assert.Equal(BankProtocol.AuditTree, Audit(out ulong where, out _, out _, out _));
        Assert.Equal(2UL, where);
    }

    // A1
    [Fact]
    public void AParentAboveItsChildIsReported()
    {
        _table->Parent[1] = 3;

        Assert.Equal(BankProtocol.AuditTree, Audit(out ulong where, out _, out _, out _));
        Assert.Equal(1UL, where);
    }

    // A2
    [Fact]
    public void AnObjectOfADeadBankIsReported()
    {
        _table->Flags[3] = 0; // bank 3 died but its node was neither rescinded nor handed on

        Assert.Equal(BankProtocol.AuditDeadOwner, Audit(out ulong where, out _, out _, out _));
        Assert.Equal(2UL, where >> 32);
        Assert.Equal(3, _nodes->Owner[(int)(uint)where] - 1);
    }

    // A3
    [Fact]
    public void AWrongExtentUseIsReported()
    {
        _pages->Used[0]++;

        Assert.Equal(BankProtocol.AuditExtentUse, Audit(out ulong where, out _, out _, out _));
        Assert.Equal(1UL << 32, where);
    }

    // A4
    [Fact]
    public void ALeakedObjectIsReported()
    {
        _pages->Free--; // counted as taken, owned by nobody

        Assert.Equal(BankProtocol.AuditFreeCount, Audit(out ulong where, out _, out _, out _));
        Assert.Equal(1UL << 32, where);
    }

    // A5
    [Fact]
    public void ABankCountThatMissesADescendantIsReported()
    {
        _nodes->Allocated[1]--; // bank 1 forgot its child's nodes

        Assert.Equal(BankProtocol.AuditBankCount, Audit(out ulong where, out _, out _, out _));
        Assert.Equal((2UL << 32) | 1, where);
    }

    private ulong Audit(out ulong where, out ulong banks, out ulong pages, out ulong nodes) =>
        BankAudit.Run(ref *_table, ref *_pages, ref *_nodes, _scratch, out where, out banks, out pages, out nodes);

    private void Create(int parent)
    {
        int child = _table->NextIndex++;
        _table->Parent[child] = (ushort)parent;
        _table->Flags[child] = BankTable.Alive;
        _pages->Limit[child] = uint.MaxValue;
        _nodes->Limit[child] = uint.MaxValue;
    }

    private void Allocate(ObjectMap* map, int bank, int n)
    {
        for (int i = 0; i < n; i++)
        {
            map->Take(map->Pick(bank), bank);
        }

        map->AddToCounts(ref *_table, bank, n);
    }
}
