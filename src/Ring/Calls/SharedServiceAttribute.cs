using System;

namespace RingIpc;

/// <summary>
/// Marks a <c>partial interface</c> as a service contract that a process of either bitness can call across
/// RingIpc rings. The RingIpc generator emits, next to it, a client proxy (<c>{Name}Proxy</c>, which implements
/// the interface over a <see cref="CallClient"/>), a server dispatcher (<c>{Name}Dispatcher</c>, an
/// <see cref="ICallDispatcher"/> over an implementation), stable method ids and a contract fingerprint
/// (<c>{Name}Contract</c>), where <c>{Name}</c> is the interface's name without its leading <c>I</c>.
/// </summary>
/// <remarks>
/// <para>Every method returns <see cref="System.Threading.Tasks.ValueTask"/> or
/// <see cref="System.Threading.Tasks.ValueTask{TResult}"/> and takes a
/// <see cref="System.Threading.CancellationToken"/> last. Parameters and results may be <c>[SharedLayout]</c>
/// structs, <see cref="bool"/>, fixed-size integers, <see cref="char"/>, <see cref="float"/>,
/// <see cref="double"/>, enums and <see cref="string"/> (UTF-8 on the wire); parameters may also be
/// <see cref="ReadOnlyMemory{T}">ReadOnlyMemory&lt;byte&gt;</see>, and a result may be <see cref="CallBytes"/>
/// (a pooled lease the caller disposes). Anything else — pointer-sized integers, pointers, classes, arrays,
/// other structs — is a compile error (RIPC0100 and up) that says what to use instead.</para>
/// <para>A method's id is taken from its name and its parameter and result types, so reordering methods keeps
/// every id; the fingerprint covers every method, and a client and a server built from different contracts
/// refuse each other when they connect.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Interface, AllowMultiple = false, Inherited = false)]
public sealed class SharedServiceAttribute : Attribute
{
}
