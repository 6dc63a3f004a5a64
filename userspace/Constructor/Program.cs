using System.Runtime.InteropServices;
using CapOS.Kernel.Invocation;
using CapOS.Runtime;
using CapOS.SpaceBank;

namespace CapOS.Constructor;

/// <summary>
/// The metaconstructor and every constructor (EROS constructor; docs/services.md "Constructor"): one server process.
/// The metaconstructor (key info 0) makes empty constructors; a constructor is filled through its builder key, sealed,
/// and builds instances through its requestor key (<see cref="Request"/>): a process from the requester's bank (the
/// process creator), an address space that is a virtual copy of the template (the virtual copy keeper), the
/// constituents in its key registers, branded with this server's brand, answering the requester itself.
/// </summary>
/// <remarks>
/// Every order validates first and changes nothing when it refuses (a request that fails half-way gives back what it
/// bought). Records: <see cref="ConstructorTable"/>; the discreet check: <see cref="IsDiscreet"/>.
/// </remarks>
internal static unsafe partial class Program
{
    private const byte Self = Keys.SelfKey;        // 2: a process key to this server (start keys)
    private const byte Creator = 3;                // the process creator
    private const byte Maker = 4;                  // the virtual copy keeper's maker facet
    private const byte ProcessTool = 5;
    private const byte Brand = 6;                  // the key in this server's brand slot: instances carry it too
    private const byte Discrim = 7;
    private const byte KeyBits = 8;
    private const byte OwnBank = 9;                // a bank key of the bank server: Verify asks it
    private const byte Directory = 11;             // the directory node (ConstructorTable)
    private const byte Received = 12;              // sent keys arrive in 12, 13, 14
    private const byte Constituents = 16;
    private const byte Leaf = 17;
    private const byte Scratch = 18;
    private const byte Scratch2 = 19;
    private const byte NewProcess = 20;            // Request: the instance's process key; 21 its root's node key
    private const byte NewRoot = 21;
    private const byte Space = 22;
    private const byte Made = 23;
    private const byte ResumeRegister = 31;

    /// <summary>Serve's answer meaning: answer nobody (the instance answers the requester).</summary>
    private const InvocationResult NoAnswer = (InvocationResult)ulong.MaxValue;

    private static ConstructorTable s_table;

    [UnmanagedCallersOnly(EntryPoint = "UserMain")]
    private static void Main()
    {
        InvocationMessage answer = default;
        InvocationResponse request;
        byte through = 0;
        for (;;)
        {
            answer.ReceiveKeys = Received | ((ulong)(Received + 1) << 8) | ((ulong)(Received + 2) << 16);
            Gate.ReturnAndWait(through, &answer, ResumeRegister, &request);
            answer = default;
            InvocationResult result = Serve(&request, &answer);
            answer.Order = (ulong)result;
            through = result == NoAnswer ? (byte)0 : ResumeRegister;
        }
    }

    private static InvocationResult Serve(InvocationResponse* request, InvocationMessage* answer)
    {
        uint order = (uint)request->Result;
        bool known = order == KeyOrder.AllegedKeyType || (order >= ConstructorProtocol.NewConstructor && order <= ConstructorProtocol.Request);
        if (request->KeyInfo == ConstructorProtocol.MetaFacet)
        {
            answer->W0 = ConstructorProtocol.MetaAllegedType;
            return !known ? InvocationResult.UnknownOrder
                : order == KeyOrder.AllegedKeyType ? InvocationResult.Ok
                : order == ConstructorProtocol.NewConstructor ? NewConstructor(answer) : InvocationResult.NoAccess;
        }

        int index = s_table.IndexOf(request->KeyInfo);
        if (index < 0 || !LoadConstituents(index))
        {
            return InvocationResult.Void; // no such constructor, or its bank was destroyed: its keys act as rescinded keys (KT too)
        }

        if (!known || order == KeyOrder.AllegedKeyType)
        {
            answer->W0 = ConstructorProtocol.AllegedType;
            return known ? InvocationResult.Ok : InvocationResult.UnknownOrder;
        }

        bool builder = request->KeyInfo % 2 == 0;
        bool isSealed = s_table.Has(index, ConstructorTable.Sealed);
        switch (order)
        {
            case ConstructorProtocol.IsDiscreet:
                int first = FirstIndiscreet(index);
                answer->W0 = first < 0 ? 1UL : 0UL;
                answer->W1 = first < 0 ? 0UL : (ulong)first;
                return InvocationResult.Ok;
            case ConstructorProtocol.Request:
                return builder || !isSealed ? InvocationResult.NoAccess : Request(index);
            case ConstructorProtocol.NewConstructor:
                return InvocationResult.NoAccess;
            default:
                return !builder || isSealed ? InvocationResult.NoAccess : Build(index, order, request, answer);
        }
    }

    /// <summary>Sent 0 = a bank: one node from it holds the constituents; reply key 0 = the builder key.</summary>
    private static InvocationResult NewConstructor(InvocationMessage* answer)
    {
        new BankKeyRef(OwnBank).Verify(Received, out bool isBank);
        if (!isBank)
        {
            return InvocationResult.RequestError;
        }

        int index = s_table.NextIndex;
        if (index >= ConstructorTable.Capacity)
        {
            return InvocationResult.NoMoreNodes; // the directory is full (ConstructorTable I1: indexes are never reused)
        }

        var bank = new BankKeyRef(Received);
        InvocationResult result = bank.AllocNodes(1, Constituents);
        if (result != InvocationResult.Ok)
        {
            return result;
        }

        result = new NodeKeyRef(Directory).CopySlot(index / 32, Leaf);
        result = result == InvocationResult.Ok ? new NodeKeyRef(Leaf).SwapSlot(index % 32, Constituents, 0) : result;
        result = result == InvocationResult.Ok ? new ProcessKeyRef(Self).MakeStartKey((ushort)((2 * index) + 2), Made) : result;
        if (result != InvocationResult.Ok)
        {
            bank.ReclaimNodes(1, Constituents);
            return result;
        }

        s_table.Flags[index] = ConstructorTable.Alive;
        s_table.NextIndex = index + 1;
        answer->SendKeys = Made;
        return InvocationResult.Ok;
    }

    /// <summary>The constituents node of record <paramref name="index"/> into <see cref="Constituents"/>; false when its bank destroyed it.</summary>
    private static bool LoadConstituents(int index)
    {
        if (new NodeKeyRef(Directory).CopySlot(index / 32, Leaf) != InvocationResult.Ok
            || new NodeKeyRef(Leaf).CopySlot(index % 32, Constituents) != InvocationResult.Ok)
        {
            return false;
        }

        return new NodeKeyRef(Constituents).CopySlot(0, Scratch) == InvocationResult.Ok;
    }

    /// <summary>The builder orders before Seal.</summary>
    private static InvocationResult Build(int index, uint order, InvocationResponse* request, InvocationMessage* answer)
    {
        var constituents = new NodeKeyRef(Constituents);
        switch (order)
        {
            case ConstructorProtocol.InsertAddressSpace:
                ulong height = TypeAndData(Received, out ulong type) & 0xFF;
                if (type != 10 || height < 1 || height > 7) // KeyType.Segment; not red (0x100 would make height > 0xFF)
                {
                    return InvocationResult.RequestError;
                }

                constituents.SwapSlot(ConstructorTable.SpaceSlot, Received, 0);
                s_table.Flags[index] |= ConstructorTable.HasSpace;
                return InvocationResult.Ok;
            case ConstructorProtocol.SetEntry:
                if (request->W0 >= UserLimit || request->W1 >= UserLimit)
                {
                    return InvocationResult.RequestError;
                }

                s_table.Pc[index] = request->W0;
                s_table.Sp[index] = request->W1;
                s_table.Flags[index] |= ConstructorTable.HasEntry;
                return InvocationResult.Ok;
            case ConstructorProtocol.InsertKeeper:
                TypeAndData(Received, out ulong keeperType);
                if (keeperType != 1 && keeperType != 0) // KeyType.Start or Void
                {
                    return InvocationResult.RequestError;
                }

                constituents.SwapSlot(ConstructorTable.KeeperSlot, Received, 0);
                s_table.Flags[index] = (byte)((s_table.Flags[index] & ~ConstructorTable.HasKeeper) | (keeperType == 1 ? ConstructorTable.HasKeeper : 0));
                return InvocationResult.Ok;
            case ConstructorProtocol.InsertKey:
                if (request->W0 < 1 || request->W0 > ConstructorProtocol.LastInitialRegister)
                {
                    return InvocationResult.RequestError;
                }

                constituents.SwapSlot((int)request->W0, Received, 0);
                s_table.Filled[index] |= 1u << (int)request->W0;
                return InvocationResult.Ok;
            case ConstructorProtocol.Seal:
                return Seal(index, answer);
            default:
                return InvocationResult.UnknownOrder;
        }
    }

    private static InvocationResult Seal(int index, InvocationMessage* answer)
    {
        if (!s_table.Has(index, ConstructorTable.HasSpace) || !s_table.Has(index, ConstructorTable.HasEntry))
        {
            return InvocationResult.RequestError;
        }

        InvocationResult result = new ProcessKeyRef(Self).MakeStartKey((ushort)((2 * index) + 3), Made);
        if (result != InvocationResult.Ok)
        {
            return result;
        }

        s_table.Flags[index] |= (byte)(ConstructorTable.Sealed | (FirstIndiscreet(index) < 0 ? ConstructorTable.Discreet : 0));
        answer->SendKeys = Made;
        return InvocationResult.Ok;
    }

    /// <summary>First address above the user half: entries must be below it.</summary>
    private const ulong UserLimit = 0x0000_8000_0000_0000;

    /// <summary>The key type of the key in <paramref name="register"/> and its key data (keybits).</summary>
    private static ulong TypeAndData(byte register, out ulong type)
    {
        new KeyBitsKeyRef(KeyBits).Translate(register, out ulong bits, out _, out _);
        type = bits & 0xFF;
        return bits >> 16;
    }
}
