using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Text;
#if NET
using System.Runtime.InteropServices;
#endif

namespace RingIpc;

/// <summary>
/// Helpers called by code that the layout generator emits for inline strings and arrays. Not meant to
/// be called directly: the <c>first</c> arguments must be the first element of inline storage
/// that really holds the stated number of elements.
/// </summary>
/// <remarks>
/// They take a managed reference to the storage (never a pointer), so the struct may live anywhere:
/// on the stack, in a heap object, or in shared memory.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SharedLayoutSupport
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>Decodes an inline UTF-8 string: the bytes before the first NUL, or all of them.</summary>
    /// <param name="first">The first byte of the storage.</param>
    /// <param name="capacity">The storage size in bytes.</param>
    /// <returns>The decoded string (invalid UTF-8 becomes U+FFFD).</returns>
    public static string ReadUtf8(ref byte first, int capacity)
    {
        int length = Utf8Length(ref first, capacity);
        if (length == 0)
        {
            return string.Empty;
        }
#if NET
        return Utf8NoBom.GetString(MemoryMarshal.CreateReadOnlySpan(ref first, length));
#else
        unsafe
        {
            fixed (byte* bytes = &first)
            {
                return Utf8NoBom.GetString(bytes, length);
            }
        }
#endif
    }

    /// <summary>Encodes <paramref name="value"/> into inline storage and clears the bytes after it.</summary>
    /// <param name="first">The first byte of the storage.</param>
    /// <param name="capacity">The storage size in bytes.</param>
    /// <param name="value">The text (<see langword="null"/> is stored as empty).</param>
    /// <param name="member">The property name, for the exception message.</param>
    /// <exception cref="ArgumentException">The text needs more than <paramref name="capacity"/> bytes or contains NUL.</exception>
    public static void WriteUtf8(ref byte first, int capacity, string? value, string member)
    {
        value ??= string.Empty;
        if (value.IndexOf('\0') >= 0)
        {
            throw new ArgumentException($"{member} cannot hold '\\0': an inline string ends at its first NUL byte.", member);
        }
        int needed = Utf8NoBom.GetByteCount(value);
        if (needed > capacity)
        {
            throw new ArgumentException(
                $"{member} holds at most {capacity} UTF-8 bytes; \"{Shorten(value)}\" needs {needed}. Shorten the text or raise [FixedString({capacity})].",
                member);
        }
        if (needed > 0)
        {
#if NET
            Utf8NoBom.GetBytes(value, MemoryMarshal.CreateSpan(ref first, capacity));
#else
            unsafe
            {
                fixed (char* chars = value)
                fixed (byte* bytes = &first)
                {
                    Utf8NoBom.GetBytes(chars, value.Length, bytes, capacity);
                }
            }
#endif
        }
        Clear(ref first, needed, capacity);
    }

    /// <summary>Copies the UTF-8 bytes of an inline string (up to its first NUL) to <paramref name="destination"/>.</summary>
    /// <param name="first">The first byte of the storage.</param>
    /// <param name="capacity">The storage size in bytes.</param>
    /// <param name="destination">Receives the bytes; must be large enough for them.</param>
    /// <returns>The number of bytes copied.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public static int CopyUtf8To(ref byte first, int capacity, Span<byte> destination)
    {
        int length = Utf8Length(ref first, capacity);
        CopyTo(ref first, length, destination);
        return length;
    }

    /// <summary>Stores raw UTF-8 bytes (not validated) as an inline string and clears the bytes after them.</summary>
    /// <param name="first">The first byte of the storage.</param>
    /// <param name="capacity">The storage size in bytes.</param>
    /// <param name="utf8">The bytes; at most <paramref name="capacity"/>.</param>
    /// <param name="member">The property name, for the exception message.</param>
    /// <exception cref="ArgumentException"><paramref name="utf8"/> is longer than <paramref name="capacity"/>.</exception>
    public static void SetUtf8(ref byte first, int capacity, ReadOnlySpan<byte> utf8, string member) =>
        Write(ref first, capacity, utf8, member);

    /// <summary>Copies inline array storage to a new array.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="first">The first element of the storage.</param>
    /// <param name="length">The number of elements.</param>
    /// <returns>A new array of <paramref name="length"/> elements.</returns>
    public static T[] ToArray<T>(ref T first, int length)
        where T : struct
    {
        var result = new T[length];
        CopyTo(ref first, length, result);
        return result;
    }

    /// <summary>Copies inline array storage to <paramref name="destination"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="first">The first element of the storage.</param>
    /// <param name="length">The number of elements.</param>
    /// <param name="destination">Receives the elements; at least <paramref name="length"/> long.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public static void CopyTo<T>(ref T first, int length, Span<T> destination)
        where T : struct
    {
        if (destination.Length < length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} elements; {length} are needed.", nameof(destination));
        }
        for (int i = 0; i < length; i++)
        {
            destination[i] = Unsafe.Add(ref first, i);
        }
    }

    /// <summary>Copies <paramref name="source"/> into inline array storage and clears the elements after it.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="first">The first element of the storage.</param>
    /// <param name="length">The number of elements.</param>
    /// <param name="source">At most <paramref name="length"/> elements (<see langword="null"/> arrays arrive empty).</param>
    /// <param name="member">The property name, for the exception message.</param>
    /// <exception cref="ArgumentException"><paramref name="source"/> is longer than <paramref name="length"/>.</exception>
    public static void Write<T>(ref T first, int length, ReadOnlySpan<T> source, string member)
        where T : struct
    {
        if (source.Length > length)
        {
            throw new ArgumentException($"{member} holds at most {length} elements; the value has {source.Length}.", member);
        }
        for (int i = 0; i < source.Length; i++)
        {
            Unsafe.Add(ref first, i) = source[i];
        }
        Clear(ref first, source.Length, length);
    }

    private static int Utf8Length(ref byte first, int capacity)
    {
        int length = 0;
        while (length < capacity && Unsafe.Add(ref first, length) != 0)
        {
            length++;
        }
        return length;
    }

    private static void Clear<T>(ref T first, int start, int length)
        where T : struct
    {
        for (int i = start; i < length; i++)
        {
            Unsafe.Add(ref first, i) = default;
        }
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value.Substring(0, 40) + "…";
}
