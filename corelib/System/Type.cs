namespace System;

/// <summary>Present because the compiler asks for it; no reflection exists.</summary>
public abstract class Type
{
}

internal sealed class RuntimeType : Type
{
}

public struct RuntimeTypeHandle
{
}

public struct RuntimeMethodHandle
{
}

public struct RuntimeFieldHandle
{
}
