# gzvm-run --channel (vmm/channel.c): the SPEC parser, the listen=/connect=
# handshake between two VMMs on a fake backend, the host= socket, the DTB
# nodes.  Like the other vmm/ pieces, with the host's headers, plus the
# UAPI header for the channel limits.
SRCS_test_vmm_channel   := vmm/channel.c
LDLIBS_test_vmm_channel := -lfdt -lpthread
$(BUILD)/obj/vmm/channel.o: HYP_INC := -I$(ROOT)/include/uapi
