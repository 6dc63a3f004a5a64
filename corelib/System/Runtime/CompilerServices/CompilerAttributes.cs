namespace System.Runtime.CompilerServices;

// Attributes and marker types the C# compiler and ILC look for by name.

public enum MethodImplOptions
{
    Unmanaged = 0x0004,
    NoInlining = 0x0008,
    ForwardRef = 0x0010,
    Synchronized = 0x0020,
    NoOptimization = 0x0040,
    PreserveSig = 0x0080,
    AggressiveInlining = 0x0100,
    AggressiveOptimization = 0x0200,
    InternalCall = 0x1000,
}

[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor)]
public sealed class MethodImplAttribute : Attribute
{
    public MethodImplAttribute(MethodImplOptions methodImplOptions)
    {
    }
}

[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Method | AttributeTargets.Field)]
internal sealed class IntrinsicAttribute : Attribute
{
}

[AttributeUsage(AttributeTargets.Property)]
public sealed class IndexerNameAttribute : Attribute
{
    public IndexerNameAttribute(string indexerName)
    {
    }
}

[AttributeUsage(AttributeTargets.Field)]
public sealed class FixedBufferAttribute : Attribute
{
    public FixedBufferAttribute(Type elementType, int length)
    {
    }
}

[AttributeUsage(AttributeTargets.All, Inherited = true)]
public sealed class CompilerGeneratedAttribute : Attribute
{
}

[AttributeUsage(AttributeTargets.Struct)]
public sealed class UnsafeValueTypeAttribute : Attribute
{
}

[AttributeUsage(AttributeTargets.Struct)]
public sealed class InlineArrayAttribute : Attribute
{
    public InlineArrayAttribute(int length)
    {
    }
}

[AttributeUsage(AttributeTargets.Assembly | AttributeTargets.Class | AttributeTargets.Method)]
public sealed class ExtensionAttribute : Attribute
{
}

[AttributeUsage(AttributeTargets.All, Inherited = false)]
public sealed class IsReadOnlyAttribute : Attribute
{
}

[AttributeUsage(AttributeTargets.Struct)]
public sealed class IsByRefLikeAttribute : Attribute
{
}

[AttributeUsage(AttributeTargets.All, Inherited = false)]
public sealed class IsUnmanagedAttribute : Attribute
{
}

[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class ScopedRefAttribute : Attribute
{
}

[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class RequiresLocationAttribute : Attribute
{
}

[AttributeUsage(AttributeTargets.Module, Inherited = false)]
public sealed class RefSafetyRulesAttribute : Attribute
{
    public RefSafetyRulesAttribute(int version)
    {
        Version = version;
    }

    public int Version { get; }
}

[AttributeUsage(AttributeTargets.All, AllowMultiple = true, Inherited = false)]
public sealed class CompilerFeatureRequiredAttribute : Attribute
{
    public CompilerFeatureRequiredAttribute(string featureName)
    {
    }

    public bool IsOptional { get; set; }
}

[AttributeUsage(AttributeTargets.All, Inherited = false)]
public sealed class NullableAttribute : Attribute
{
    public NullableAttribute(byte value)
    {
    }

    public NullableAttribute(byte[] value)
    {
    }
}

[AttributeUsage(AttributeTargets.Class | AttributeTargets.Delegate | AttributeTargets.Interface | AttributeTargets.Method | AttributeTargets.Struct, Inherited = false)]
public sealed class NullableContextAttribute : Attribute
{
    public NullableContextAttribute(byte value)
    {
    }
}

[AttributeUsage(AttributeTargets.Module, Inherited = false)]
public sealed class NullablePublicOnlyAttribute : Attribute
{
    public NullablePublicOnlyAttribute(bool value)
    {
    }
}

/// <summary>Marker for init-only setters.</summary>
public static class IsExternalInit
{
}

/// <summary>Marker for volatile fields.</summary>
public static class IsVolatile
{
}

/// <summary>Marker for const pointers in signatures.</summary>
public static class IsConst
{
}

public static class RuntimeFeature
{
    public const string ByRefFields = nameof(ByRefFields);
    public const string UnmanagedSignatureCallingConvention = nameof(UnmanagedSignatureCallingConvention);
    public const string DefaultImplementationsOfInterfaces = nameof(DefaultImplementationsOfInterfaces);
    public const string VirtualStaticsInInterfaces = nameof(VirtualStaticsInInterfaces);
    public const string NumericIntPtr = nameof(NumericIntPtr);
    public const string CovariantReturnsOfClasses = nameof(CovariantReturnsOfClasses);
}

public static class RuntimeHelpers
{
    public static unsafe int OffsetToStringData => sizeof(IntPtr) + sizeof(int);
}

/// <summary>Thrown (that is: a stop) when a switch expression matches no arm.</summary>
public sealed class SwitchExpressionException : InvalidOperationException
{
    public SwitchExpressionException()
    {
    }

    public SwitchExpressionException(object? unmatchedValue)
    {
    }
}

public class CallConvCdecl
{
}

public class CallConvStdcall
{
}

public class CallConvThiscall
{
}

public class CallConvFastcall
{
}

public class CallConvSuppressGCTransition
{
}

public class CallConvMemberFunction
{
}
