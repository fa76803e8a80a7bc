#!/bin/sh
# busybox udhcpc event script for the veth "guests" of the network-plane tests. Applies the address and,
# like an RFC 3442 client, the classless static routes of option 121 ($staticroutes: "dest gw dest gw …")
# instead of option 3 when both are present.
case "$1" in
  deconfig)
    ip -4 addr flush dev "$interface"
    ;;
  bound|renew)
    # Options udhcpc knows no name for arrive as opt<N> (hex); say them and option 121, for the tests to read.
    env | grep -E '^(opt[0-9]*|staticroutes)=' || true
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/$mask" dev "$interface"
    if [ -n "$staticroutes" ]; then
      set -- $staticroutes
      while [ $# -ge 2 ]; do
        ip route replace "$1" via "$2" dev "$interface" onlink
        shift 2
      done
    elif [ -n "$router" ]; then
      ip route replace default via "$router" dev "$interface"
    fi
    ;;
esac
exit 0
