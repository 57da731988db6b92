using System;
using System.Runtime.InteropServices;

namespace RingIpc;

/// <summary>
/// An OS handle (a Windows <c>HANDLE</c>, a file descriptor) stored in 32 bits, so that it has the same
/// size in 32-bit and 64-bit processes.
/// </summary>
/// <remarks>
/// Windows handles that can be shared between processes fit in 32 bits, even in 64-bit processes (they
/// are sign-extended 32-bit values). From an <see cref="IntPtr"/> the handle keeps the low 32 bits; back
/// to an <see cref="IntPtr"/> it sign-extends, so <c>INVALID_HANDLE_VALUE</c> (−1) and every valid handle
/// survive the round trip in both directions.
/// </remarks>
[StructLayout(LayoutKind.Sequential, Size = 4)]
public readonly struct SharedHandle : IEquatable<SharedHandle>
{
    private readonly int _value;

    /// <summary>Creates a handle from its 32-bit value.</summary>
    /// <param name="value">The handle value.</param>
    public SharedHandle(int value) => _value = value;

    /// <summary><c>INVALID_HANDLE_VALUE</c>: −1.</summary>
    public static SharedHandle Invalid => new(-1);

    /// <summary>The stored 32-bit value.</summary>
    public int Value => _value;

    /// <summary>Stores the low 32 bits of <paramref name="handle"/>.</summary>
    /// <param name="handle">An OS handle.</param>
    /// <returns>The 32-bit handle.</returns>
    public static SharedHandle FromIntPtr(IntPtr handle) => new(unchecked((int)(long)handle));

    /// <summary>The handle as an <see cref="IntPtr"/>, sign-extended in a 64-bit process.</summary>
    /// <returns>The OS handle.</returns>
    public IntPtr ToIntPtr() => new(_value);

    /// <summary>Keeps the low 32 bits of <paramref name="handle"/> (see <see cref="FromIntPtr"/>).</summary>
    /// <param name="handle">An OS handle.</param>
    public static explicit operator SharedHandle(IntPtr handle) => FromIntPtr(handle);

    /// <summary>Sign-extends the handle (see <see cref="ToIntPtr"/>).</summary>
    /// <param name="handle">A shared handle.</param>
    public static implicit operator IntPtr(SharedHandle handle) => handle.ToIntPtr();

    /// <summary>Whether both handles hold the same 32-bit value.</summary>
    /// <param name="left">A handle.</param>
    /// <param name="right">Another handle.</param>
    public static bool operator ==(SharedHandle left, SharedHandle right) => left._value == right._value;

    /// <summary>Whether the handles hold different 32-bit values.</summary>
    /// <param name="left">A handle.</param>
    /// <param name="right">Another handle.</param>
    public static bool operator !=(SharedHandle left, SharedHandle right) => left._value != right._value;

    /// <inheritdoc/>
    public bool Equals(SharedHandle other) => _value == other._value;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SharedHandle other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _value;

    /// <summary>The value in hexadecimal, e.g. <c>0xFFFFFFFF</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => "0x" + _value.ToString("X8", System.Globalization.CultureInfo.InvariantCulture);
}
