namespace System;

/// <summary>The base of every struct.</summary>
public abstract class ValueType
{
}

/// <summary>The base of every enumeration.</summary>
public abstract class Enum : ValueType
{
}

/// <summary>A value or nothing (Roslyn's T?); no boxing support.</summary>
public struct Nullable<T>
    where T : struct
{
    private readonly bool _hasValue;
    private readonly T _value;

    public Nullable(T value)
    {
        _hasValue = true;
        _value = value;
    }

    public readonly bool HasValue => _hasValue;

    public readonly T Value
    {
        get
        {
            if (!_hasValue)
            {
                Environment.FailFast("Nullable: no value");
            }

            return _value;
        }
    }

    public readonly T GetValueOrDefault() => _value;

    public static implicit operator T?(T value) => new T?(value);

    public static explicit operator T(T? value) => value!.Value;
}
