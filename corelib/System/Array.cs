namespace System;

/// <summary>The base of every array: the element count follows the MethodTable pointer.</summary>
public abstract class Array
{
#pragma warning disable CS0649 // written by the allocator
    private readonly int _numComponents;
#pragma warning restore CS0649

    public int Length => _numComponents;
}

/// <summary>The compiler's generic view of single-dimensional arrays.</summary>
internal class Array<T> : Array
{
}
