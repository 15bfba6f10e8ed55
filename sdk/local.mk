# The SDK (DESIGN.md, "The SDK"; doc/sdk.md): what `make install` gives a user to build
# programs for Keel, and the same, uninstalled, in the build tree (./keel-cc and
# keel-uninstalled.pc).
#
#   $(bindir)                 the four tools (their own local.mk) and keel-cc
#   $(includedir)/keel/       the runtime's headers; keel/ the uapi headers; the NASM
#                             includes syscall.inc (generated) and sys.inc
#   $(libdir)/keel/           crt0.o, libkeel.a, user.ld
#   $(pkgdatadir)             keel.elf and the default ramfs.img
#   $(libdir)/pkgconfig/      keel.pc
#
# keel-cc and keel.pc are written from their templates when they are installed, with the
# directories make has then, so `make install prefix=DIR` gives an SDK that works in DIR.

keelincludedir = $(includedir)/keel
keelinclude_HEADERS = $(ULIB_PUBLIC_HDRS) userland/asm/sys.inc
nodist_keelinclude_HEADERS = kernel/gen/syscall.inc
keelsysincludedir = $(includedir)/keel/sys
keelsysinclude_HEADERS = $(ULIB_SYS_HDRS)
keeluapidir = $(includedir)/keel/keel
keeluapi_HEADERS = \
	kernel/include/uapi/keel/cpio.h \
	kernel/include/uapi/keel/errno.h \
	kernel/include/uapi/keel/format.h \
	kernel/include/uapi/keel/fs.h \
	kernel/include/uapi/keel/multiboot2.h \
	kernel/include/uapi/keel/net.h \
	kernel/include/uapi/keel/passwd.h \
	kernel/include/uapi/keel/proto.h \
	kernel/include/uapi/keel/pwhash.h \
	kernel/include/uapi/keel/sha256.h \
	kernel/include/uapi/keel/string.h \
	kernel/include/uapi/keel/syscall.h
keellibdir = $(libdir)/keel
keellib_DATA = userland/lib/crt0.o userland/lib/libkeel.a userland/user.ld
pkgdata_DATA = kernel/keel.elf ramfs.img
pkgconfigdir = $(libdir)/pkgconfig

# sdk_subst KIND: the sed program that fills a template for KIND, build (the build tree)
# or inst (the installed SDK), from the sdk_KIND_* variables.
sdk_subst = $(SED) \
	-e 's|[@]KEEL_CC_WHERE[@]|$(sdk_$(1)_where)|g' \
	-e 's|[@]KEEL_CPPFLAGS[@]|$(sdk_$(1)_cppflags)|g' \
	-e 's|[@]KEEL_PC_CPPFLAGS[@]|$(sdk_$(1)_cppflags)|g' \
	-e 's|@KEEL_CRT0@|$(sdk_$(1)_crt0)|g' \
	-e 's|[@]KEEL_LIB[@]|$(sdk_$(1)_lib)|g' \
	-e 's|[@]KEEL_LDSCRIPT[@]|$(sdk_$(1)_ldscript)|g' \
	-e 's|[@]KERNEL_CC[@]|$(KERNEL_CC)|g' \
	-e 's|[@]KERNEL_CC_INCLUDE[@]|$(KERNEL_CC_INCLUDE)|g' \
	-e 's|[@]PACKAGE_NAME[@]|$(PACKAGE_NAME)|g' \
	-e 's|[@]PACKAGE_VERSION[@]|$(PACKAGE_VERSION)|g' \
	-e 's|[@]prefix[@]|$(prefix)|g' \
	-e 's|[@]exec_prefix[@]|$(exec_prefix)|g' \
	-e 's|[@]libdir[@]|$(libdir)|g' \
	-e 's|[@]includedir[@]|$(includedir)|g'
sdk_build_where = the build tree $(abs_top_builddir)
sdk_build_cppflags = -I$(abs_top_srcdir)/userland/include -I$(abs_top_srcdir)/kernel/include/uapi
sdk_build_crt0 = $(abs_top_builddir)/$(UCRT0)
sdk_build_lib = $(abs_top_builddir)/$(ULIB)
sdk_build_ldscript = $(abs_top_srcdir)/userland/user.ld
sdk_inst_where = the prefix $(prefix)
sdk_inst_cppflags = -I$(keelincludedir)
sdk_inst_crt0 = $(keellibdir)/crt0.o
sdk_inst_lib = $(keellibdir)/libkeel.a
sdk_inst_ldscript = $(keellibdir)/user.ld

# The build tree's own: ./keel-cc and keel-uninstalled.pc (which pkg-config prefers to
# keel.pc when PKG_CONFIG_PATH names the build tree).
keel-cc: $(srcdir)/sdk/keel-cc.in Makefile
	$(AM_V_GEN)$(call sdk_subst,build) $(srcdir)/sdk/keel-cc.in > $@.tmp && \
	  chmod +x $@.tmp && mv $@.tmp $@
keel-uninstalled.pc: $(srcdir)/sdk/keel.pc.in Makefile
	$(AM_V_GEN)$(call sdk_subst,build) $(srcdir)/sdk/keel.pc.in > $@.tmp && \
	  mv $@.tmp $@
noinst_SCRIPTS = keel-cc

# make sdk: the uninstalled SDK alone, for building programs without the kernel and images.
sdk: keel-cc keel-uninstalled.pc $(UCRT0) $(ULIB) kernel/gen/syscall.inc
.PHONY: sdk
dist_man_MANS += sdk/keel-cc.1
noinst_DATA += keel-uninstalled.pc
CLEANFILES += keel-cc keel-uninstalled.pc

install-exec-local:
	$(MKDIR_P) '$(DESTDIR)$(bindir)'
	$(call sdk_subst,inst) $(srcdir)/sdk/keel-cc.in > '$(DESTDIR)$(bindir)/keel-cc'
	chmod 755 '$(DESTDIR)$(bindir)/keel-cc'

install-data-local:
	$(MKDIR_P) '$(DESTDIR)$(pkgconfigdir)'
	$(call sdk_subst,inst) $(srcdir)/sdk/keel.pc.in > '$(DESTDIR)$(pkgconfigdir)/keel.pc'

uninstall-local:
	rm -f '$(DESTDIR)$(bindir)/keel-cc' '$(DESTDIR)$(pkgconfigdir)/keel.pc'

EXTRA_DIST += sdk/keel-cc.in sdk/keel.pc.in sdk/local.mk

# make installcheck (distcheck runs it): the examples built and booted with the SDK
# installed in $(prefix); when none is installed there, with one installed into a
# temporary prefix in the build tree first.
EXTRA_DIST += examples/Makefile examples/hello.c examples/rot13.c tests/sdk/installcheck.sh
installcheck-local:
	@if test -x '$(DESTDIR)$(bindir)/keel-cc'; then \
	  sdk='$(DESTDIR)$(prefix)'; bin='$(DESTDIR)$(bindir)'; \
	  pc='$(DESTDIR)$(pkgconfigdir)'; data='$(DESTDIR)$(pkgdatadir)'; \
	else \
	  sdk='$(abs_top_builddir)/sdk-installcheck/prefix'; \
	  echo "No keel-cc in $(DESTDIR)$(bindir): installing into $$sdk first"; \
	  rm -rf "$$sdk" && $(MAKE) $(AM_MAKEFLAGS) install prefix="$$sdk" exec_prefix="$$sdk" \
	    bindir="$$sdk/bin" libdir="$$sdk/lib" includedir="$$sdk/include" \
	    datarootdir="$$sdk/share" datadir="$$sdk/share" >/dev/null || exit 1; \
	  bin=$$sdk/bin; pc=$$sdk/lib/pkgconfig; data=$$sdk/share/keel; \
	fi; \
	echo "Checking the SDK in $$sdk"; \
	$(SHELL) $(srcdir)/tests/sdk/installcheck.sh "$$bin" "$$pc" "$$data" \
	  $(srcdir)/examples '$(abs_top_builddir)/sdk-installcheck/work'

clean-local: clean-sdk-installcheck
clean-sdk-installcheck:
	rm -rf sdk-installcheck
.PHONY: clean-sdk-installcheck

TESTS += tests/sdk/keel-cc.test
EXTRA_DIST += tests/sdk/keel-cc.test

# Portable programs built with keel-cc and with the host's gcc, compared (doc/sdk.md).
SDK_PORTABLE = tests/sdk/portable/wc.c tests/sdk/portable/sort.c \
	tests/sdk/portable/base64.c tests/sdk/portable/sha1.c tests/sdk/portable/calc.c \
	tests/sdk/portable/wordfreq.c tests/sdk/portable/calc.txt tests/sdk/portable/run.sh
TESTS += tests/sdk/portable.test
EXTRA_DIST += tests/sdk/portable.test $(SDK_PORTABLE)
