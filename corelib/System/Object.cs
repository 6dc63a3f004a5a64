using System.Runtime;

namespace System;

/// <summary>
/// The root of every reference type. Exactly one field: the MethodTable pointer the
/// compiler lays out first in every object (docs/toolchain.md).
/// </summary>
public class Object
{
#pragma warning disable CS0649, CS0169 // written by the allocator and the compiler's frozen objects
    internal unsafe MethodTable* m_pMethodTable;
#pragma warning restore CS0649, CS0169

    public Object()
    {
    }

    public virtual bool Equals(object? obj) => ReferenceEquals(this, obj);

    public virtual int GetHashCode() => 0;

    public static bool ReferenceEquals(object? objA, object? objB) => objA == objB;
}
