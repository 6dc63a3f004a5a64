namespace System.Runtime.InteropServices;

public enum LayoutKind
{
    Sequential = 0,
    Explicit = 2,
    Auto = 3,
}

[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class StructLayoutAttribute : Attribute
{
    public StructLayoutAttribute(LayoutKind layoutKind)
    {
        Value = layoutKind;
    }

    public LayoutKind Value { get; }

#pragma warning disable CA1051 // the compiler reads these as fields, as in .NET
    public int Pack;
    public int Size;
#pragma warning restore CA1051
}

[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class FieldOffsetAttribute : Attribute
{
    public FieldOffsetAttribute(int offset)
    {
        Value = offset;
    }

    public int Value { get; }
}

[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class InAttribute : Attribute
{
}

[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class OutAttribute : Attribute
{
}

/// <summary>Roslyn's modreq for the <c>unmanaged</c> generic constraint.</summary>
public enum UnmanagedType
{
    Bool = 0x2,
    I1 = 0x3,
    U1 = 0x4,
    I2 = 0x5,
    U2 = 0x6,
    I4 = 0x7,
    U4 = 0x8,
    I8 = 0x9,
    U8 = 0xa,
}

/// <summary>An entry point called from native code (here: assembly stubs).</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class UnmanagedCallersOnlyAttribute : Attribute
{
#pragma warning disable CA1051 // the compiler reads these as fields, as in .NET
    public Type[]? CallConvs;
    public string? EntryPoint;
#pragma warning restore CA1051
}

/// <summary>The raw-memory operations of System.Runtime.InteropServices.NativeMemory.</summary>
public static unsafe class NativeMemory
{
    public static void Copy(void* source, void* destination, nuint byteCount)
    {
        byte* from = (byte*)source;
        byte* to = (byte*)destination;
        if (to > from && to < from + byteCount)
        {
            for (nuint i = byteCount; i > 0; i--)
            {
                to[i - 1] = from[i - 1];
            }

            return;
        }

        nuint words = byteCount / 8;
        for (nuint i = 0; i < words; i++)
        {
            ((ulong*)to)[i] = ((ulong*)from)[i];
        }

        for (nuint i = words * 8; i < byteCount; i++)
        {
            to[i] = from[i];
        }
    }

    public static void Clear(void* ptr, nuint byteCount) => Fill(ptr, byteCount, 0);

    public static void Fill(void* ptr, nuint byteCount, byte value)
    {
        byte* to = (byte*)ptr;
        ulong pattern = value * 0x0101010101010101UL;
        nuint words = byteCount / 8;
        for (nuint i = 0; i < words; i++)
        {
            ((ulong*)to)[i] = pattern;
        }

        for (nuint i = words * 8; i < byteCount; i++)
        {
            to[i] = value;
        }
    }
}
