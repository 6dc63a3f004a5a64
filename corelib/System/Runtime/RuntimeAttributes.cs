namespace System.Runtime;

/// <summary>Exports a method under a fixed symbol name with the managed calling convention (ILC).</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class RuntimeExportAttribute : Attribute
{
    public RuntimeExportAttribute(string entry)
    {
    }
}

/// <summary>Binds an extern method to a symbol of the linked image (ILC).</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class RuntimeImportAttribute : Attribute
{
    public RuntimeImportAttribute(string lib)
    {
    }

    public RuntimeImportAttribute(string lib, string entry)
    {
    }
}

/// <summary>The head of the compiler's type descriptor, as far as the allocation helpers read it.</summary>
public unsafe struct MethodTable
{
#pragma warning disable CS0649, CA1051
    public ushort ComponentSize;
    public ushort Flags;
    public uint BaseSize;
    public MethodTable* RelatedType;
    public ushort VtableSlotCount;
    public ushort InterfaceCount;
    public uint HashCode;
#pragma warning restore CS0649, CA1051
}
