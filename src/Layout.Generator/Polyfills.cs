// Language features the netstandard2.0 base library lacks: records and init accessors need this type.
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit
    {
    }
}
