using System.Runtime.CompilerServices;
namespace CapOS.Kernel.NodeTree;

/// <summary>Classification of <see cref="KeyType"/> values by their class ranges (docs/keys.md "Types").</summary>
/// <remarks>Standalone: imagegen links this file beside kernel/DiskFormat.</remarks>
public static class KeyTypes
{
    /// <summary>True for every value the enumeration defines; anything else in a key is malformed.</summary>
    public static bool IsDefined(KeyType type)
    {
        byte t = (byte)type;
        return t <= (byte)KeyType.Resume
            || (t >= (byte)KeyType.Page && t <= (byte)KeyType.Wrapper)
            || (t >= (byte)KeyType.Number && t <= (byte)KeyType.Sched)
            || (t >= (byte)KeyType.Console && t <= (byte)KeyType.DevicePrivileges);
    }

    /// <summary>Start and resume keys: invoking them transfers control to a process.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsGate(KeyType type) => type == KeyType.Start || type == KeyType.Resume;

    /// <summary>Keys whose payload is (OID, AllocCount) of an object: the ones that can be prepared.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsObject(KeyType type)
    {
        byte t = (byte)type;
        return (t >= (byte)KeyType.Start && t <= (byte)KeyType.Resume)
            || (t >= (byte)KeyType.Page && t <= (byte)KeyType.Wrapper);
    }

    /// <summary>The kind of object an object key names: <see cref="ObType.Page"/> for page keys, else a node.</summary>
    public static ObType TargetType(KeyType type)
    {
        if (type == KeyType.Page)
        {
            return ObType.Page;
        }

        return IsObject(type) ? ObType.Node : ObType.None;
    }

    /// <summary>Keys whose 12-byte payload is data (number, range, sched ...), never prepared.</summary>
    public static bool IsNumberLike(KeyType type) => type >= KeyType.Number && type <= KeyType.Sched;

    /// <summary>Keys implemented by the kernel with no payload.</summary>
    public static bool IsMiscellaneous(KeyType type) => type >= KeyType.Console && type <= KeyType.DevicePrivileges;
}
