using CapOS.Kernel.Invocation;
using CapOS.Runtime;

namespace CapOS.Constructor;

/// <summary>
/// The discreet check (EROS constructor "is discreet"; EROS-NOTES "User-space services"): a constructor is discreet
/// when no constituent can carry information out of an instance: each is discreet by the kernel's discrim (numbers,
/// read-only pages, weak read-only nodes, read-only no-call segments, void) or is the requestor key of a discreet
/// constructor of this server (its instances are confined in turn). Anything else, a console key, a start key to
/// another process, a builder key, is a hole.
/// </summary>
internal static unsafe partial class Program
{
    /// <summary>Reported for the address-space template.</summary>
    private const int SpacePosition = 32;

    /// <summary>Reported for the keeper.</summary>
    private const int KeeperPosition = 33;

    /// <summary>The first constituent of record <paramref name="index"/> that is a hole (register 1..28, 32, 33), or -1. Constituents must be loaded.</summary>
    private static int FirstIndiscreet(int index)
    {
        var constituents = new NodeKeyRef(Constituents);
        constituents.CopySlot(ConstructorTable.SpaceSlot, Scratch);
        if (!IsDiscreet(Scratch))
        {
            return SpacePosition;
        }

        uint filled = s_table.Filled[index];
        for (int register = 1; register <= ConstructorProtocol.LastInitialRegister; register++)
        {
            if ((filled & (1u << register)) != 0)
            {
                constituents.CopySlot(register, Scratch);
                if (!IsDiscreet(Scratch))
                {
                    return register;
                }
            }
        }

        constituents.CopySlot(ConstructorTable.KeeperSlot, Scratch);
        return IsDiscreet(Scratch) ? -1 : KeeperPosition;
    }

    /// <summary>Discreet by discrim, or a requestor key of a sealed discreet constructor of this very server (ConstructorTable I2).</summary>
    private static bool IsDiscreet(byte key)
    {
        new DiscrimKeyRef(Discrim).IsDiscreet(key, out bool discreet);
        if (discreet)
        {
            return true;
        }

        var tool = new ProcessToolKeyRef(ProcessTool);
        if (tool.IdentifyStartKey(key, Brand, out bool branded, out ulong keyInfo) != InvocationResult.Ok || !branded
            || keyInfo % 2 == 0)
        {
            return false; // not ours, or the metaconstructor or a builder key
        }

        // Instances carry this server's brand too: only a start key to this server itself names a constructor.
        if (tool.MakeProcessKey(key, Brand, Scratch2) != InvocationResult.Ok)
        {
            return false;
        }

        new DiscrimKeyRef(Discrim).Compare(Scratch2, Self, out bool self);
        int index = s_table.IndexOf(keyInfo);
        return self && index >= 0 && s_table.Has(index, ConstructorTable.Sealed) && s_table.Has(index, ConstructorTable.Discreet);
    }
}
