namespace System;

/// <summary>Delegates: the field names ILC 9/10 expect (docs/toolchain.md). Kernel code does not use them.</summary>
public abstract class Delegate
{
#pragma warning disable CS0649, CS0169, IDE0051
    internal object? _firstParameter;
    internal object? _helperObject;
    internal nint _extraFunctionPointerOrData;
    internal IntPtr _functionPointer;
#pragma warning restore CS0649, CS0169, IDE0051

    private void InitializeClosedStaticThunk(object firstParameter, IntPtr functionPointer, IntPtr functionPointerThunk)
    {
        _extraFunctionPointerOrData = (nint)functionPointer;
        _helperObject = firstParameter;
        _functionPointer = functionPointerThunk;
        _firstParameter = this;
    }

    private void InitializeOpenStaticThunk(object firstParameter, IntPtr functionPointer, IntPtr functionPointerThunk)
    {
        _firstParameter = this;
        _functionPointer = functionPointerThunk;
        _extraFunctionPointerOrData = (nint)functionPointer;
    }

    private void InitializeClosedInstance(object firstParameter, IntPtr functionPointer)
    {
        _functionPointer = functionPointer;
        _firstParameter = firstParameter;
    }
}

public abstract class MulticastDelegate : Delegate
{
}
